package dev.lossless.kafka.consumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.lossless.kafka.topics.BoundedAdmin;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.util.Assert;

/**
 * Compares the brokers' {@code offsets.retention.minutes} with the {@code retention.ms}
 * of the topics the application consumes. A consumer group's committed offsets expire
 * that long after the group became empty (KIP-211); when a topic keeps its records
 * longer, a group down for longer than that restarts with no position: with
 * {@code auto.offset.reset=earliest} it reads again everything retained, and records
 * deleted meanwhile are reported by nothing (no committed offset to compare with the log
 * start).
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class OffsetsRetentionAudit implements DisposableBean {

	/**
	 * The time between two audits made by {@link #auditPeriodically}.
	 */
	public static final Duration INTERVAL = Duration.ofHours(1);

	static final String OFFSETS_RETENTION_MINUTES = "offsets.retention.minutes";

	private static final Log logger = LogFactory.getLog(OffsetsRetentionAudit.class);

	private volatile long lastAudit;

	private final BoundedAdmin client;

	/**
	 * Create an instance.
	 * @param adminConfig the Admin client configuration, for example {@code KafkaAdmin}'s
	 * @param timeout the bound on one audit
	 */
	public OffsetsRetentionAudit(Map<String, Object> adminConfig, Duration timeout) {
		Assert.notNull(adminConfig, "'adminConfig' cannot be null");
		Assert.isTrue(timeout != null && timeout.toMillis() > 0, "'timeout' must be positive");
		this.client = new BoundedAdmin(adminConfig, timeout);
	}

	/**
	 * Audit the topics of a snapshot's partitions when the last audit is older than
	 * {@link #INTERVAL}, and log the warning, if any, once per audit. Meant as a
	 * {@link ConsumerOffsetsMonitor#addListener listener} of the monitor.
	 * @param snapshot the snapshot
	 */
	public void auditPeriodically(ConsumerOffsetsSnapshot snapshot) {
		long now = System.nanoTime();
		if (!snapshot.reachable() || snapshot.partitions().isEmpty()
				|| (this.lastAudit != 0 && now - this.lastAudit < INTERVAL.toNanos())) {
			return;
		}
		this.lastAudit = now;
		Result result = audit(
				snapshot.partitions().stream().map(ConsumerOffsetsSnapshot.PartitionOffsets::topic).toList());
		String warning = result.warning();
		if (warning != null) {
			logger.warn(warning);
		}
	}

	/**
	 * Read the offsets retention of one broker and the retention of the given topics.
	 * @param topics the topics the application consumes
	 * @return the result, with an error when the brokers did not answer in time
	 */
	public Result audit(Collection<String> topics) {
		long deadline = System.nanoTime() + this.client.timeout().toNanos();
		try {
			Admin admin = this.client.admin();
			Collection<Node> nodes = admin
				.describeCluster(new DescribeClusterOptions().timeoutMs(BoundedAdmin.remainingMillis(deadline)))
				.nodes()
				.get(BoundedAdmin.remainingMillis(deadline), TimeUnit.MILLISECONDS);
			if (nodes.isEmpty()) {
				return new Result(null, List.of(), "no broker");
			}
			ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER,
					String.valueOf(nodes.iterator().next().id()));
			List<ConfigResource> resources = new ArrayList<>();
			resources.add(broker);
			new TreeSet<>(topics)
				.forEach((topic) -> resources.add(new ConfigResource(ConfigResource.Type.TOPIC, topic)));
			Map<ConfigResource, Config> configs = admin
				.describeConfigs(resources,
						new DescribeConfigsOptions().timeoutMs(BoundedAdmin.remainingMillis(deadline)))
				.all()
				.get(BoundedAdmin.remainingMillis(deadline), TimeUnit.MILLISECONDS);
			ConfigEntry minutes = configs.get(broker).get(OFFSETS_RETENTION_MINUTES);
			if (minutes == null || minutes.value() == null) {
				return new Result(null, List.of(), OFFSETS_RETENTION_MINUTES + " not readable");
			}
			Duration offsetsRetention = Duration.ofMinutes(Long.parseLong(minutes.value()));
			List<String> longer = new ArrayList<>();
			for (ConfigResource resource : resources.subList(1, resources.size())) {
				ConfigEntry retention = configs.get(resource).get("retention.ms");
				long retentionMs = (retention != null && retention.value() != null) ? Long.parseLong(retention.value())
						: 0;
				if (retentionMs < 0 || retentionMs > offsetsRetention.toMillis()) {
					longer.add(resource.name() + " (retention.ms=" + retentionMs + ")");
				}
			}
			return new Result(offsetsRetention, longer, null);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new Result(null, List.of(), "interrupted");
		}
		catch (ExecutionException | TimeoutException | KafkaException | NumberFormatException ex) {
			return new Result(null, List.of(), this.client.describeFailure(ex));
		}
	}

	@Override
	public void destroy() {
		this.client.close();
	}

	/**
	 * The outcome of an audit.
	 *
	 * @param offsetsRetention the brokers' {@code offsets.retention.minutes}, or
	 * {@code null} when it could not be read
	 * @param retainedLonger the consumed topics that keep records longer than committed
	 * offsets are kept, with their {@code retention.ms}
	 * @param error why the audit could not be made, or {@code null}
	 */
	public record Result(@Nullable Duration offsetsRetention, List<String> retainedLonger, @Nullable String error) {

		/**
		 * Return the warning to show, if any.
		 * @return the warning, or {@code null}
		 */
		public @Nullable String warning() {
			if (this.retainedLonger.isEmpty() || this.offsetsRetention == null) {
				return null;
			}
			return "Committed offsets expire " + this.offsetsRetention.toMinutes() + " minute(s) ("
					+ OFFSETS_RETENTION_MINUTES + ") after a consumer group becomes empty, sooner than "
					+ this.retainedLonger + " delete their records: a group down longer than that restarts with no "
					+ "position, reads again from the log start, and records deleted meanwhile are not reported. "
					+ "Raise " + OFFSETS_RETENTION_MINUTES + " above the topics' retention.ms";
		}

	}

}
