package dev.lossless.kafka.consumer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.consumer.ConsumerOffsetsSnapshot.PartitionOffsets;
import dev.lossless.kafka.consumer.ConsumerOffsetsSnapshot.Verdict;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Lag, retention headroom and verdicts read from a real single broker, with offsets
 * committed by a raw consumer and records deleted by the test or by the broker's own
 * retention.
 */
class ConsumerOffsetsInspectorIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static EmbeddedKafkaCluster cluster;

	private ConsumerOffsetsInspector inspector;

	@BeforeAll
	static void startCluster() {
		// Retention checked every half second from the start, for the test where the
		// broker deletes segments by itself
		cluster = EmbeddedKafkaCluster.builder()
			.brokers(1)
			.brokerProperty("log.retention.check.interval.ms", "500")
			.brokerProperty("log.initial.task.delay.ms", "0")
			.start();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@AfterEach
	void closeInspector() {
		if (this.inspector != null) {
			this.inspector.destroy();
		}
	}

	@Test
	void lagAndHeadroomOfACommittedGroupAreExact() {
		String topic = KafkaTestSupport.unique("orders");
		String group = KafkaTestSupport.unique("group");
		cluster.createTopic(topic, 2, (short) 1, Map.of());
		produce(cluster, topic, 0, 10);
		produce(cluster, topic, 1, 5);
		commit(cluster, group, topic, Map.of(0, 4L, 1, 5L));
		ConsumerOffsetsSnapshot snapshot = inspector(TIMEOUT).inspect(Map.of(group, Set.of(topic)));
		assertThat(snapshot.reachable()).isTrue();
		assertThat(snapshot.partitions())
			.extracting(PartitionOffsets::group, PartitionOffsets::topic, PartitionOffsets::partition,
					PartitionOffsets::committed, PartitionOffsets::logStart, PartitionOffsets::logEnd,
					PartitionOffsets::lag, PartitionOffsets::headroom, PartitionOffsets::verdict)
			.containsExactly(tuple(group, topic, 0, 4L, 0L, 10L, 6L, 4L, Verdict.OK),
					tuple(group, topic, 1, 5L, 0L, 5L, 0L, 5L, Verdict.OK));
		assertThat(snapshot.took()).isPositive().isLessThan(TIMEOUT);
	}

	@Test
	void groupWhoseCommittedOffsetWasDeletedHasLostExactlyTheDeletedRecords() throws Exception {
		String topic = KafkaTestSupport.unique("orders");
		String group = KafkaTestSupport.unique("group");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		produce(cluster, topic, 0, 10);
		commit(cluster, group, topic, Map.of(0, 3L));
		try (Admin admin = cluster.createAdmin()) {
			admin.deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(7)))
				.all()
				.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		PartitionOffsets offsets = inspector(TIMEOUT).inspect(Map.of(group, Set.of(topic))).partition(group, topic, 0);
		assertThat(offsets).isNotNull();
		assertThat(offsets.verdict()).isEqualTo(Verdict.LOST);
		assertThat(offsets.logStart()).isEqualTo(7);
		assertThat(offsets.lostRecords()).isEqualTo(4);
		assertThat(offsets.headroom()).isEqualTo(-4);
		assertThat(offsets.lag()).isEqualTo(7);
	}

	@Test
	void groupThatStillHasToReadMostOfTheRetainedLogIsAtRisk() {
		String topic = KafkaTestSupport.unique("orders");
		String behind = KafkaTestSupport.unique("behind");
		String caughtUp = KafkaTestSupport.unique("caught-up");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		produce(cluster, topic, 0, 10);
		commit(cluster, behind, topic, Map.of(0, 2L));
		commit(cluster, caughtUp, topic, Map.of(0, 3L));
		ConsumerOffsetsSnapshot snapshot = inspector(TIMEOUT)
			.inspect(Map.of(behind, Set.of(topic), caughtUp, Set.of(topic)));
		// 8 of 10 retained records still to read: at the threshold of 0.8
		assertThat(snapshot.partition(behind, topic, 0)).extracting(PartitionOffsets::lag, PartitionOffsets::verdict)
			.containsExactly(8L, Verdict.AT_RISK);
		assertThat(snapshot.partition(caughtUp, topic, 0)).extracting(PartitionOffsets::lag, PartitionOffsets::verdict)
			.containsExactly(7L, Verdict.OK);
		assertThat(snapshot.withVerdict(Verdict.AT_RISK)).extracting(PartitionOffsets::group).containsExactly(behind);
	}

	@Test
	void groupWithoutCommittedOffsetIsReportedAsNotCommittedAndNotAtRisk() {
		String topic = KafkaTestSupport.unique("orders");
		String missingTopic = KafkaTestSupport.unique("missing");
		String group = KafkaTestSupport.unique("new-group");
		cluster.createTopic(topic, 2, (short) 1, Map.of());
		produce(cluster, topic, 0, 10);
		ConsumerOffsetsSnapshot snapshot = inspector(TIMEOUT).inspect(Map.of(group, Set.of(topic, missingTopic)));
		assertThat(snapshot.reachable()).isTrue();
		assertThat(snapshot.partitions())
			.extracting(PartitionOffsets::partition, PartitionOffsets::committed, PartitionOffsets::lag,
					PartitionOffsets::logEnd, PartitionOffsets::verdict)
			.containsExactly(tuple(0, null, null, 10L, Verdict.NOT_COMMITTED),
					tuple(1, null, null, 0L, Verdict.NOT_COMMITTED));
	}

	@Test
	void brokerDeletingSegmentsByRetentionMakesTheGroupLoseRecords() {
		String topic = KafkaTestSupport.unique("retained");
		String group = KafkaTestSupport.unique("group");
		// The smallest segment Kafka accepts, and a log kept at about one segment
		cluster.createTopic(topic, 1, (short) 1,
				Map.of(TopicConfig.SEGMENT_BYTES_CONFIG, "1048576", TopicConfig.RETENTION_BYTES_CONFIG, "1048576"));
		commit(cluster, group, topic, Map.of(0, 0L));
		byte[] value = new byte[1024];
		try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			for (int i = 0; i < 4096; i++) {
				producer.send(new ProducerRecord<>(topic, 0, null, value));
			}
			producer.flush();
		}
		ConsumerOffsetsInspector inspector = inspector(TIMEOUT);
		AtomicReference<PartitionOffsets> offsets = new AtomicReference<>();
		await().atMost(WAIT).untilAsserted(() -> {
			offsets.set(inspector.inspect(Map.of(group, Set.of(topic))).partition(group, topic, 0));
			assertThat(offsets.get()).extracting(PartitionOffsets::verdict).isEqualTo(Verdict.LOST);
		});
		assertThat(offsets.get().logStart()).isPositive();
		assertThat(offsets.get().lostRecords()).isEqualTo(offsets.get().logStart());
		assertThat(offsets.get().logEnd()).isEqualTo(4096);
	}

	@Test
	void stoppedBrokerGivesAnUnreachableSnapshotWithinTheTimeout() {
		String topic = KafkaTestSupport.unique("orders");
		String group = KafkaTestSupport.unique("group");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		ConsumerOffsetsInspector inspector = inspector(Duration.ofSeconds(2));
		Map<String, Set<String>> topicsByGroup = Map.of(group, Set.of(topic));
		assertThat(inspector.inspect(topicsByGroup).reachable()).isTrue();
		cluster.stopBroker(0);
		try {
			long start = System.nanoTime();
			ConsumerOffsetsSnapshot snapshot = inspector.inspect(topicsByGroup);
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			assertThat(snapshot.reachable()).isFalse();
			assertThat(snapshot.error()).contains(cluster.bootstrapServers()).contains("did not answer within 2000 ms");
			assertThat(snapshot.partitions()).isEmpty();
			assertThat(took).isLessThan(Duration.ofSeconds(15));
		}
		finally {
			cluster.startBroker(0);
		}
		await().atMost(WAIT).until(() -> inspector.inspect(topicsByGroup).reachable());
	}

	private ConsumerOffsetsInspector inspector(Duration timeout) {
		this.inspector = new ConsumerOffsetsInspector(
				Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()), timeout,
				ConsumerOffsetsInspector.DEFAULT_RISK_THRESHOLD);
		return this.inspector;
	}

	static void produce(EmbeddedKafkaCluster cluster, String topic, int partition, int count) {
		try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			for (int i = 0; i < count; i++) {
				producer.send(new ProducerRecord<>(topic, partition, null, ("record-" + i).getBytes()));
			}
			producer.flush();
		}
	}

	static void commit(EmbeddedKafkaCluster cluster, String group, String topic, Map<Integer, Long> offsets) {
		Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
		offsets.forEach((partition, offset) -> commits.put(new TopicPartition(topic, partition),
				new OffsetAndMetadata(offset)));
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
						ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
						ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
						ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
			consumer.commitSync(commits, WAIT);
		}
	}

}
