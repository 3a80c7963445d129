package dev.lossless.kafka.sequence;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;

/**
 * The most characters the brokers accept in a committed offset's metadata: the smallest
 * {@code offset.metadata.max.bytes} of the brokers, read with an Admin client the first
 * time it is asked for. A commit whose metadata is longer fails, so while the brokers do
 * not answer the limit is unknown ({@code -1}) and asked again a minute later.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class OffsetMetadataLimit implements IntSupplier {

	private static final Log logger = LogFactory.getLog(OffsetMetadataLimit.class);

	/**
	 * The broker's setting.
	 */
	public static final String SETTING = "offset.metadata.max.bytes";

	/**
	 * The broker's default.
	 */
	public static final int DEFAULT = 4096;

	private static final Duration RETRY = Duration.ofMinutes(1);

	private final Supplier<Map<String, Object>> adminConfigs;

	private final Duration timeout;

	private final Clock clock;

	private volatile int limit = -1;

	private volatile long nextAttempt;

	private final AtomicBoolean readingAhead = new AtomicBoolean();

	/**
	 * Create an instance.
	 * @param adminConfigs the configuration of an Admin client, asked for when first
	 * needed
	 * @param timeout how long the brokers may take to answer
	 */
	public OffsetMetadataLimit(Supplier<Map<String, Object>> adminConfigs, Duration timeout) {
		this(adminConfigs, timeout, Clock.systemUTC());
	}

	OffsetMetadataLimit(Supplier<Map<String, Object>> adminConfigs, Duration timeout, Clock clock) {
		this.adminConfigs = adminConfigs;
		this.timeout = timeout;
		this.clock = clock;
	}

	/**
	 * Return the limit, reading it from the brokers the first time.
	 * @return the most characters a committed offset's metadata may have, or {@code -1}
	 * while the brokers could not tell
	 */
	@Override
	public int getAsInt() {
		int known = this.limit;
		if (known >= 0 || this.clock.millis() < this.nextAttempt) {
			return known;
		}
		synchronized (this) {
			if (this.limit < 0 && this.clock.millis() >= this.nextAttempt) {
				this.limit = read();
			}
			return this.limit;
		}
	}

	/**
	 * Start reading the limit on a thread of its own when it is not known yet, so that
	 * the first commit finds it known instead of creating an Admin client on the
	 * consumer's thread (a commit that comes first waits for this read, as it would for
	 * its own).
	 * @since 0.2.0
	 */
	public void readAhead() {
		if (this.limit >= 0 || this.clock.millis() < this.nextAttempt
				|| !this.readingAhead.compareAndSet(false, true)) {
			return;
		}
		Thread reader = new Thread(() -> {
			try {
				getAsInt();
			}
			finally {
				this.readingAhead.set(false);
			}
		}, "lossless-offset-metadata-limit");
		reader.setDaemon(true);
		reader.start();
	}

	private int read() {
		int timeoutMs = (int) this.timeout.toMillis();
		try (Admin admin = Admin.create(this.adminConfigs.get())) {
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
			for (Config config : configs.values()) {
				ConfigEntry entry = config.get(SETTING);
				int value = (entry != null && entry.value() != null) ? Integer.parseInt(entry.value()) : DEFAULT;
				smallest = first ? value : Math.min(smallest, value);
				first = false;
			}
			return smallest;
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			this.nextAttempt = this.clock.millis() + RETRY.toMillis();
			logger.warn("Could not read the brokers' " + SETTING + "; sequence windows are not committed with the"
					+ " offsets until it is known (asked again in " + RETRY.toSeconds() + " s): " + ex);
			return -1;
		}
	}

}
