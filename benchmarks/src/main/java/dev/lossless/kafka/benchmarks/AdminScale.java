package dev.lossless.kafka.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

import dev.lossless.kafka.actuate.ConsumerLagHealthIndicator;
import dev.lossless.kafka.actuate.TopicsHealthIndicator;
import dev.lossless.kafka.consumer.ConsumerOffsetsInspector;
import dev.lossless.kafka.consumer.ConsumerOffsetsSnapshot;
import dev.lossless.kafka.rules.ReliabilityAudit;
import dev.lossless.kafka.sequence.OffsetMetadataLimit;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import dev.lossless.kafka.topics.TopicInspector;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The dimensions that cost Admin calls, on one in-JVM broker: the lag monitor's
 * inspection (groups x partitions), and the startup audit and the topics health (topics).
 * Admin calls are counted by the broker ({@link BrokerRequests}).
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class AdminScale {

	private static final int LAG_TOPICS = 10;

	private static final int LAG_PARTITIONS_PER_TOPIC = 100;

	private static final int HEALTH_REQUESTS = 10;

	private AdminScale() {
	}

	static void lag(EmbeddedKafkaCluster cluster, ScaleReport report, int fullGroups) throws Exception {
		int smallGroups = Math.max(1, fullGroups / 10);
		List<String> topics = IntStream.range(0, LAG_TOPICS).mapToObj((i) -> "scale-lag-" + i).toList();
		try (Admin admin = cluster.createAdmin()) {
			admin.createTopics(
					topics.stream().map((topic) -> new NewTopic(topic, LAG_PARTITIONS_PER_TOPIC, (short) 1)).toList())
				.all()
				.get(2, TimeUnit.MINUTES);
			Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
			topics.forEach((topic) -> IntStream.range(0, LAG_PARTITIONS_PER_TOPIC)
				.forEach((partition) -> offsets.put(new TopicPartition(topic, partition), new OffsetAndMetadata(0))));
			for (int group = 0; group < fullGroups; group++) {
				commit(admin, "scale-lag-group-" + group, offsets);
			}
		}
		Map<String, Object> adminConfig = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
				cluster.bootstrapServers());
		ConsumerOffsetsInspector inspector = new ConsumerOffsetsInspector(adminConfig, Duration.ofMinutes(2),
				ConsumerOffsetsInspector.DEFAULT_RISK_THRESHOLD);
		try {
			inspect(inspector, groups(smallGroups, topics));
			Inspection small = inspect(inspector, groups(smallGroups, topics));
			Inspection full = inspect(inspector, groups(fullGroups, topics));
			int partitions = LAG_TOPICS * LAG_PARTITIONS_PER_TOPIC;
			String smallSize = smallGroups + " groups x " + partitions + " partitions";
			String fullSize = fullGroups + " groups x " + partitions + " partitions";
			double ratio = (double) fullGroups / smallGroups;
			report.total("lag monitor", "one inspection, time", smallSize, fullSize, ratio, small.millis(),
					full.millis(), "ms");
			report.bounded("lag monitor", "one inspection, Admin requests to the broker", smallSize, fullSize,
					BrokerRequests.total(small.requests()), BrokerRequests.total(full.requests()), "");
			report.bounded("lag monitor", "one lag health request, Admin requests (reads the last snapshot)", smallSize,
					fullSize, small.healthRequests(), full.healthRequests(), "");
			report.total("lag monitor", "one lag health request, time", smallSize, fullSize, ratio,
					small.healthMillis(), full.healthMillis(), "ms");
			report.note("lag monitor: requests of one inspection at 1/10 " + small.requests() + ", at full size "
					+ full.requests() + " (" + full.partitions() + " group partitions read)");
		}
		finally {
			inspector.destroy();
		}
	}

	/** An Admin client patient enough for a loaded machine's first offsets commit. */
	private static Admin admin(EmbeddedKafkaCluster cluster) {
		return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
				AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 300_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
				120_000));
	}

	/** Commit, again while the group coordinator is not available yet. */
	private static void commit(Admin admin, String group, Map<TopicPartition, OffsetAndMetadata> offsets)
			throws Exception {
		for (int attempt = 1;; attempt++) {
			try {
				admin.alterConsumerGroupOffsets(group, offsets).all().get(6, TimeUnit.MINUTES);
				return;
			}
			catch (java.util.concurrent.ExecutionException ex) {
				if (attempt == 20) {
					throw ex;
				}
				ScaleBenchmarks.log("lag: committing the offsets of %s failed (%s), again", group, ex.getCause());
			}
		}
	}

	private static Map<String, Set<String>> groups(int groups, List<String> topics) {
		Map<String, Set<String>> topicsByGroup = new LinkedHashMap<>();
		for (int group = 0; group < groups; group++) {
			topicsByGroup.put("scale-lag-group-" + group, new TreeSet<>(topics));
		}
		return topicsByGroup;
	}

	private static Inspection inspect(ConsumerOffsetsInspector inspector, Map<String, Set<String>> topicsByGroup) {
		List<Double> times = new ArrayList<>();
		Map<String, Long> requests = Map.of();
		ConsumerOffsetsSnapshot snapshot = null;
		for (int i = 0; i < 3; i++) {
			Map<String, Long> before = BrokerRequests.snapshot();
			long start = System.nanoTime();
			snapshot = inspector.inspect(topicsByGroup);
			times.add((System.nanoTime() - start) / 1e6);
			requests = BrokerRequests.since(before);
			if (snapshot.error() != null) {
				throw new IllegalStateException("Inspection failed: " + snapshot.error());
			}
		}
		ConsumerOffsetsSnapshot last = snapshot;
		ConsumerLagHealthIndicator health = new ConsumerLagHealthIndicator(() -> last);
		health.health();
		Map<String, Long> before = BrokerRequests.snapshot();
		long start = System.nanoTime();
		for (int i = 0; i < HEALTH_REQUESTS; i++) {
			health.health();
		}
		double healthMillis = (System.nanoTime() - start) / 1e6 / HEALTH_REQUESTS;
		long healthRequests = BrokerRequests.total(BrokerRequests.since(before));
		return new Inspection(median(times), requests, last.partitions().size(), healthMillis,
				(double) healthRequests / HEALTH_REQUESTS);
	}

	static void topics(EmbeddedKafkaCluster cluster, ScaleReport report, int fullTopics) throws Exception {
		int smallTopics = Math.max(1, fullTopics / 10);
		List<String> names = IntStream.range(0, fullTopics).mapToObj((i) -> "scale-topic-" + i).toList();
		try (Admin admin = admin(cluster)) {
			admin.createTopics(names.stream().map((name) -> new NewTopic(name, 1, (short) 1)).toList())
				.all()
				.get(2, TimeUnit.MINUTES);
		}
		// a warm-up of the application's start and of the audit
		audit(cluster, names.subList(0, smallTopics));
		Audit small = audit(cluster, names.subList(0, smallTopics));
		Audit full = audit(cluster, names);
		String smallSize = smallTopics + " topics";
		String fullSize = fullTopics + " topics";
		double ratio = (double) fullTopics / smallTopics;
		report.total("startup audit", "application start (audit included)", smallSize, fullSize, ratio,
				small.startMillis(), full.startMillis(), "ms");
		report.total("startup audit", "one audit, time", smallSize, fullSize, ratio, small.auditMillis(),
				full.auditMillis(), "ms");
		report.bounded("startup audit", "one audit, Admin requests to the broker", smallSize, fullSize,
				BrokerRequests.total(small.auditRequests()), BrokerRequests.total(full.auditRequests()), "");
		report.total("topics health", "one health request, time (mean of " + HEALTH_REQUESTS + ")", smallSize, fullSize,
				ratio, small.healthMillis(), full.healthMillis(), "ms");
		report.bounded("topics health", "Admin requests per health request (mean of " + HEALTH_REQUESTS + ")",
				smallSize, fullSize, small.healthRequests(), full.healthRequests(), "");
		report.total("topics health", "time to live 0 (an audit per request, as before #17)", smallSize, fullSize,
				ratio, small.uncachedMillis(), full.uncachedMillis(), "ms");
		report.bounded("topics health", "time to live 0: Admin requests per health request", smallSize, fullSize,
				small.uncachedRequests(), full.uncachedRequests(), "");
		report.note("startup audit: requests of one audit at 1/10 " + small.auditRequests() + ", at full size "
				+ full.auditRequests() + "; topics health, " + HEALTH_REQUESTS + " requests in a row at full size: "
				+ full.healthRequestsByApi() + ", status " + full.healthStatus());
	}

	private static Audit audit(EmbeddedKafkaCluster cluster, List<String> topics) {
		long start = System.nanoTime();
		try (ConfigurableApplicationContext application = BenchmarkApplications.producer(cluster.bootstrapServers(),
				true, 5, topics)) {
			double startMillis = (System.nanoTime() - start) / 1e6;
			ReliabilityAudit audit = application.getBean(ReliabilityAudit.class);
			awaitStartupReads(application);
			Map<String, Long> before = BrokerRequests.snapshot();
			long auditStart = System.nanoTime();
			audit.audit();
			double auditMillis = (System.nanoTime() - auditStart) / 1e6;
			Map<String, Long> auditRequests = BrokerRequests.since(before);
			HealthIndicator health = (HealthIndicator) application
				.getBean("kafkaReliabilityHealthContributor", CompositeHealthContributor.class)
				.getContributor("topics");
			before = BrokerRequests.snapshot();
			long healthStart = System.nanoTime();
			Health last = null;
			for (int i = 0; i < HEALTH_REQUESTS; i++) {
				last = health.health();
			}
			double healthMillis = (System.nanoTime() - healthStart) / 1e6 / HEALTH_REQUESTS;
			Map<String, Long> healthRequests = BrokerRequests.since(before);
			// the same health auditing the topics on every request, as it did before it
			// kept its audit
			HealthIndicator uncached = new TopicsHealthIndicator(audit, application.getBean(TopicInspector.class),
					Duration.ZERO);
			before = BrokerRequests.snapshot();
			healthStart = System.nanoTime();
			for (int i = 0; i < HEALTH_REQUESTS; i++) {
				uncached.health();
			}
			double uncachedMillis = (System.nanoTime() - healthStart) / 1e6 / HEALTH_REQUESTS;
			double uncachedRequests = (double) BrokerRequests.total(BrokerRequests.since(before)) / HEALTH_REQUESTS;
			return new Audit(startMillis, auditMillis, auditRequests, healthMillis,
					(double) BrokerRequests.total(healthRequests) / HEALTH_REQUESTS, healthRequests,
					String.valueOf(last.getStatus()), uncachedMillis, uncachedRequests);
		}
	}

	/**
	 * Wait for what the application reads from the brokers in the background after its
	 * start ({@code offset.metadata.max.bytes}), and for the broker to have counted those
	 * requests (it counts one once its response is sent), so that they are not counted as
	 * the audit's.
	 */
	private static void awaitStartupReads(ConfigurableApplicationContext application) {
		OffsetMetadataLimit limit = application.getBean(OffsetMetadataLimit.class);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		Map<String, Long> counted = null;
		Map<String, Long> now = BrokerRequests.snapshot();
		while (limit.getAsInt() < 0 || !now.equals(counted)) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("The application's start-up reads did not end within 30 s");
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
			counted = now;
			now = BrokerRequests.snapshot();
		}
	}

	private static double median(List<Double> values) {
		List<Double> sorted = values.stream().sorted().toList();
		return sorted.get(sorted.size() / 2);
	}

	static String format(double value) {
		return String.format(Locale.ROOT, "%.1f", value);
	}

	private record Inspection(double millis, Map<String, Long> requests, int partitions, double healthMillis,
			double healthRequests) {
	}

	private record Audit(double startMillis, double auditMillis, Map<String, Long> auditRequests, double healthMillis,
			double healthRequests, Map<String, Long> healthRequestsByApi, String healthStatus, double uncachedMillis,
			double uncachedRequests) {
	}

}
