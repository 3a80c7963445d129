package dev.lossless.kafka.consumer;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.SharedKafkaCluster;
import dev.lossless.kafka.actuate.ConsumerLagHealthIndicator;
import dev.lossless.kafka.actuate.ConsumerLagMeterBinder;
import dev.lossless.kafka.consumer.ConsumerOffsetsSnapshot.PartitionOffsets;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The monitor's refreshes on a real single broker, and what the health and the gauges
 * make of its snapshots.
 */
class ConsumerOffsetsMonitorIntegrationTests {

	private static final Duration INTERVAL = Duration.ofMillis(200);

	private static EmbeddedKafkaCluster cluster;

	private ConsumerOffsetsInspector inspector;

	private ConsumerOffsetsMonitor monitor;

	@BeforeAll
	static void startCluster() {
		cluster = SharedKafkaCluster.get();
	}

	@BeforeEach
	void createInspector() {
		this.inspector = new ConsumerOffsetsInspector(
				Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()), Duration.ofSeconds(30),
				ConsumerOffsetsInspector.DEFAULT_RISK_THRESHOLD);
	}

	@AfterEach
	void stopMonitor() {
		if (this.monitor != null) {
			this.monitor.stop();
		}
		this.inspector.destroy();
	}

	@Test
	void monitorRefreshesTheSnapshotUntilStoppedPromptly() {
		String topic = KafkaTestSupport.unique("orders");
		String group = KafkaTestSupport.unique("group");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		produce(topic, 10);
		commit(group, topic, 5);
		ConsumerOffsetsMonitor monitor = start(() -> Map.of(group, Set.of(topic)));
		assertThat(monitor.isRunning()).isTrue();
		await().atMost(WAIT).until(() -> committed(monitor, group, topic) == 5L);
		commit(group, topic, 8);
		await().atMost(WAIT).until(() -> committed(monitor, group, topic) == 8L);
		long start = System.nanoTime();
		monitor.stop();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
		assertThat(monitor.isRunning()).isFalse();
		assertThat(monitor.snapshot()).isNotNull();
		commit(group, topic, 9);
		ConsumerOffsetsSnapshot last = monitor.snapshot();
		await().during(Duration.ofMillis(INTERVAL.toMillis() * 5)).atMost(WAIT).until(() -> monitor.snapshot() == last);
	}

	@Test
	void lostRecordsMakeTheHealthDownAndShowInTheGauges() throws Exception {
		String topic = KafkaTestSupport.unique("orders");
		String group = KafkaTestSupport.unique("group");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		produce(topic, 10);
		commit(group, topic, 2);
		try (Admin admin = cluster.createAdmin()) {
			admin.deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(6)))
				.all()
				.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		ConsumerOffsetsMonitor monitor = monitor(() -> Map.of(group, Set.of(topic)));
		MeterRegistry registry = new SimpleMeterRegistry();
		new ConsumerLagMeterBinder(monitor).bindTo(registry);
		ConsumerLagHealthIndicator health = new ConsumerLagHealthIndicator(monitor::snapshot);
		assertThat(health.health().getStatus()).isEqualTo(Status.UNKNOWN);
		monitor.start();
		await().atMost(WAIT).until(() -> health.health().getStatus().equals(Status.DOWN));
		Health down = health.health();
		assertThat(down.getDetails().get("lost").toString())
			.contains("group " + group + ", " + topic + "-0: 4 record(s) lost");
		assertThat(gauge(registry, "lossless.kafka.consumer.records.lost", group, topic)).isEqualTo(4);
		assertThat(gauge(registry, "lossless.kafka.consumer.lag", group, topic)).isEqualTo(8);
		assertThat(gauge(registry, "lossless.kafka.consumer.retention.headroom", group, topic)).isEqualTo(-4);
		commit(group, topic, 10);
		await().atMost(WAIT).until(() -> health.health().getStatus().equals(Status.UP));
		await().atMost(WAIT).until(() -> gauge(registry, "lossless.kafka.consumer.records.lost", group, topic) == 0);
		assertThat(gauge(registry, "lossless.kafka.consumer.retention.headroom", group, topic)).isEqualTo(4);
	}

	@Test
	void failingInspectionsNeverStopTheRefreshes() {
		String topic = KafkaTestSupport.unique("orders");
		String group = KafkaTestSupport.unique("group");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		AtomicInteger calls = new AtomicInteger();
		ConsumerOffsetsMonitor monitor = start(() -> {
			if (calls.incrementAndGet() <= 3) {
				throw new IllegalStateException("containers not ready");
			}
			return Map.of(group, Set.of(topic));
		});
		await().atMost(WAIT).until(() -> monitor.snapshot() != null);
		await().atMost(WAIT).until(() -> monitor.snapshot().reachable());
		assertThat(calls.get()).isGreaterThan(3);
		assertThat(monitor.snapshot().partition(group, topic, 0)).isNotNull();
	}

	private ConsumerOffsetsMonitor monitor(Supplier<Map<String, Set<String>>> topicsByGroup) {
		this.monitor = new ConsumerOffsetsMonitor(this.inspector, topicsByGroup, INTERVAL);
		return this.monitor;
	}

	private ConsumerOffsetsMonitor start(Supplier<Map<String, Set<String>>> topicsByGroup) {
		ConsumerOffsetsMonitor monitor = monitor(topicsByGroup);
		monitor.start();
		return monitor;
	}

	private static Long committed(ConsumerOffsetsMonitor monitor, String group, String topic) {
		ConsumerOffsetsSnapshot snapshot = monitor.snapshot();
		PartitionOffsets offsets = (snapshot != null) ? snapshot.partition(group, topic, 0) : null;
		return (offsets != null && offsets.committed() != null) ? offsets.committed() : -1L;
	}

	private static double gauge(MeterRegistry registry, String name, String group, String topic) {
		return registry.get(name).tags("group", group, "topic", topic, "partition", "0").gauge().value();
	}

	private static void produce(String topic, int count) {
		ConsumerOffsetsInspectorIntegrationTests.produce(cluster, topic, 0, count);
	}

	private static void commit(String group, String topic, long offset) {
		ConsumerOffsetsInspectorIntegrationTests.commit(cluster, group, topic, Map.of(0, offset));
	}

}
