package dev.lossless.kafka.sequence;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.TaskExecutor;
import org.springframework.util.Assert;

/**
 * The most characters the brokers accept in a committed offset's metadata: the smallest
 * {@code offset.metadata.max.bytes} of the brokers, read with an Admin client on a thread
 * of a {@link TaskExecutor}, never on the thread that asks (a consumer's, committing).
 * The read starts when the application starts, before the listener containers, so that it
 * is normally known by their first commit; nothing waits for it. A commit whose metadata
 * is longer than the broker's limit fails, so while the brokers do not answer the limit
 * is unknown ({@code -1}: commits carry no window) and read again, in the background,
 * when asked {@value #RETRY_SECONDS} seconds after the failed read.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class OffsetMetadataLimit implements IntSupplier, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(OffsetMetadataLimit.class);

	/**
	 * The broker's setting.
	 */
	public static final String SETTING = "offset.metadata.max.bytes";

	/**
	 * The broker's default.
	 */
	public static final int DEFAULT = 4096;

	static final int RETRY_SECONDS = 10;

	/**
	 * Before the listener containers, whose first commits want the limit.
	 */
	static final int PHASE = Integer.MAX_VALUE - 200;

	private final Supplier<Map<String, Object>> adminConfigs;

	private final Duration timeout;

	private final TaskExecutor executor;

	private final Clock clock;

	private volatile int limit = -1;

	private volatile long nextAttempt;

	private final AtomicReference<@Nullable CompletableFuture<Integer>> reading = new AtomicReference<>();

	private volatile boolean running;

	private volatile @Nullable Admin admin;

	/**
	 * Create an instance.
	 * @param adminConfigs the configuration of an Admin client, asked for when first
	 * needed (for example {@code KafkaAdmin}'s)
	 * @param timeout how long the brokers may take to answer each call
	 * @param executor runs the reads
	 */
	public OffsetMetadataLimit(Supplier<Map<String, Object>> adminConfigs, Duration timeout, TaskExecutor executor) {
		this(adminConfigs, timeout, executor, Clock.systemUTC());
	}

	OffsetMetadataLimit(Supplier<Map<String, Object>> adminConfigs, Duration timeout, TaskExecutor executor,
			Clock clock) {
		Assert.notNull(adminConfigs, "'adminConfigs' cannot be null");
		Assert.isTrue(timeout.toMillis() > 0, "'timeout' must be positive");
		Assert.notNull(executor, "'executor' cannot be null");
		this.adminConfigs = adminConfigs;
		this.timeout = timeout;
		this.executor = executor;
		this.clock = clock;
	}

	/**
	 * Return the limit; while it is unknown, start reading it in the background (unless a
	 * read runs or failed less than {@value #RETRY_SECONDS} seconds ago) without waiting.
	 * @return the most characters a committed offset's metadata may have, or {@code -1}
	 * while the brokers did not tell
	 */
	@Override
	public int getAsInt() {
		int known = this.limit;
		if (known < 0) {
			read();
		}
		return known;
	}

	/**
	 * Start reading the limit in the background, unless it is known, a read runs, or one
	 * failed less than {@value #RETRY_SECONDS} seconds ago.
	 * @return the read, or {@code null} if none was started
	 */
	@Nullable CompletableFuture<Integer> read() {
		if (this.limit >= 0 || this.clock.millis() < this.nextAttempt) {
			return null;
		}
		CompletableFuture<Integer> read = new CompletableFuture<>();
		if (!this.reading.compareAndSet(null, read)) {
			return this.reading.get();
		}
		try {
			this.executor.execute(() -> {
				try {
					read.complete(readFromBrokers());
				}
				finally {
					this.reading.set(null);
				}
			});
		}
		catch (RuntimeException ex) {
			this.reading.set(null);
			read.complete(failed(ex));
		}
		return read;
	}

	private int readFromBrokers() {
		int timeoutMs = (int) Math.min(Integer.MAX_VALUE, this.timeout.toMillis());
		try (Admin admin = Admin.create(adminConfig(timeoutMs))) {
			this.admin = admin;
			Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
				.nodes()
				.get(timeoutMs, TimeUnit.MILLISECONDS);
			List<ConfigResource> brokers = nodes.stream()
				.map((node) -> new ConfigResource(ConfigResource.Type.BROKER, node.idString()))
				.toList();
			Map<ConfigResource, Config> configs = admin
				.describeConfigs(brokers, new DescribeConfigsOptions().timeoutMs(timeoutMs))
				.all()
				.get(timeoutMs, TimeUnit.MILLISECONDS);
			int smallest = DEFAULT;
			boolean first = true;
			for (Config brokerConfig : configs.values()) {
				ConfigEntry entry = brokerConfig.get(SETTING);
				int value = (entry != null && entry.value() != null) ? Integer.parseInt(entry.value()) : DEFAULT;
				smallest = first ? value : Math.min(smallest, value);
				first = false;
			}
			this.limit = smallest;
			return smallest;
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			return failed(ex);
		}
		finally {
			this.admin = null;
		}
	}

	// inside the read's try: a configuration that cannot be had is a failed read, retried
	// later
	private Map<String, Object> adminConfig(int timeoutMs) {
		Map<String, Object> config = new HashMap<>(this.adminConfigs.get());
		config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
		config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
		return config;
	}

	private int failed(Exception ex) {
		this.nextAttempt = this.clock.millis() + TimeUnit.SECONDS.toMillis(RETRY_SECONDS);
		if (!this.running) {
			logger.debug("The read of the brokers' " + SETTING + " ended with the application", ex);
			return -1;
		}
		logger.warn("Could not read the brokers' " + SETTING + "; sequence windows are not committed with the"
				+ " offsets until it is known (read again at the first commit " + RETRY_SECONDS + " s from now): "
				+ ex);
		return -1;
	}

	/**
	 * Start reading the limit in the background, before the listener containers start, so
	 * that it is normally known by their first commit; the application does not wait for
	 * it (brokers that do not answer would hold its startup).
	 */
	@Override
	public void start() {
		this.running = true;
		read();
	}

	/**
	 * Stop: a read still waiting for the brokers ends at once.
	 */
	@Override
	public void stop() {
		this.running = false;
		Admin admin = this.admin;
		if (admin != null) {
			admin.close(Duration.ZERO);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
