package dev.lossless.kafka.topics;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.jspecify.annotations.Nullable;

/**
 * One lazily created Admin client whose calls are bounded: its request and API timeouts
 * are the given timeout, and a caller takes a {@link #deadline() deadline} for a whole
 * inspection and gives each call the {@link #remainingMillis(long) time left}.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class BoundedAdmin implements AutoCloseable {

	private final Map<String, Object> config;

	private final Duration timeout;

	private @Nullable Admin admin;

	/**
	 * Create an instance.
	 * @param adminConfig the Admin client configuration, for example {@code KafkaAdmin}'s
	 * @param timeout the bound on the calls
	 */
	public BoundedAdmin(Map<String, Object> adminConfig, Duration timeout) {
		this.config = new HashMap<>(adminConfig);
		int timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
		this.config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
		this.config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
		this.timeout = timeout;
	}

	/**
	 * Return the Admin client, created on first use.
	 * @return the client
	 */
	public synchronized Admin admin() {
		if (this.admin == null) {
			this.admin = Admin.create(this.config);
		}
		return this.admin;
	}

	/**
	 * Return the bound on the calls.
	 * @return the timeout
	 */
	public Duration timeout() {
		return this.timeout;
	}

	/**
	 * Return the deadline of an inspection that starts now.
	 * @return the deadline, in {@link System#nanoTime()} terms
	 */
	public long deadline() {
		return System.nanoTime() + this.timeout.toNanos();
	}

	/**
	 * Return the time left before a deadline, at least 1 ms.
	 * @param deadline the deadline, in {@link System#nanoTime()} terms
	 * @return the milliseconds left
	 */
	public static int remainingMillis(long deadline) {
		return (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
	}

	/**
	 * Describe why the brokers could not be asked.
	 * @param ex the failure of a call
	 * @return the brokers and the reason
	 */
	public String describeFailure(Exception ex) {
		Throwable cause = (ex instanceof ExecutionException && ex.getCause() != null) ? ex.getCause() : ex;
		String reason = (cause instanceof TimeoutException
				|| cause instanceof org.apache.kafka.common.errors.TimeoutException)
						? "did not answer within " + this.timeout.toMillis() + " ms" : cause.toString();
		return "brokers " + this.config.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG) + " " + reason;
	}

	@Override
	public synchronized void close() {
		if (this.admin != null) {
			this.admin.close(Duration.ofSeconds(1));
			this.admin = null;
		}
	}

}
