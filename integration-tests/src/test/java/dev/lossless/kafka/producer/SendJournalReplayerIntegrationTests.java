package dev.lossless.kafka.producer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.actuate.ProducerHealthIndicator;
import dev.lossless.kafka.actuate.SendJournalMeterBinder;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import dev.lossless.kafka.topics.TopicExistenceChecker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The replayer against a real broker: every journaled entry arrives unchanged and in
 * order, entries wait while the broker is down and arrive once it is back, and a record
 * the topic will never accept moves to the rejected journal without blocking the others.
 */
class SendJournalReplayerIntegrationTests {

	private static EmbeddedKafkaCluster cluster;

	@TempDir
	Path directory;

	private SendJournal journal;

	private SendJournal rejected;

	private SendJournalReplayer replayer;

	private Duration maxBlock = Duration.ofSeconds(2);

	private static TopicExistenceChecker topicExistence;

	@BeforeAll
	static void startCluster() {
		cluster = EmbeddedKafkaCluster.builder().brokers(1).start();
		topicExistence = new TopicExistenceChecker(
				Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()), Duration.ofSeconds(5));
	}

	@AfterAll
	static void stopCluster() {
		topicExistence.destroy();
		cluster.close();
	}

	@BeforeEach
	void openJournals() {
		this.journal = SendJournal.open(this.directory.resolve("journal"), 64 * 1024 * 1024, 1024 * 1024);
		this.rejected = SendJournal.open(this.directory.resolve("journal").resolve("rejected"), 1024 * 1024,
				1024 * 1024);
		this.replayer = new SendJournalReplayer(this.journal, this.rejected, this::producer, 200,
				Duration.ofSeconds(20), Duration.ofMillis(100), Duration.ofSeconds(1),
				topicExistence::confirmedMissing);
	}

	@AfterEach
	void closeJournals() {
		this.replayer.stop();
		this.journal.close();
		this.rejected.close();
	}

	@Test
	void replaysEveryEntryOnceInOrderPerPartitionWithItsHeadersAndBytes() throws Exception {
		String topic = KafkaTestSupport.unique("orders");
		cluster.createTopic(topic, 3, (short) 1, Map.of());
		List<JournalEntry> entries = IntStream.range(0, 1000).mapToObj((i) -> entry(topic, i % 3, i, 20)).toList();
		entries.forEach(this.journal::append);
		long start = System.nanoTime();
		this.replayer.start();
		await().atMost(WAIT).until(() -> this.journal.statistics().backlogEntries() == 0);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		List<ConsumerRecord<byte[], byte[]>> records = KafkaTestSupport.readAll(cluster.bootstrapServers(), topic,
				1000);
		assertThat(records).hasSize(1000);
		assertThat(endOffsets(topic, 3)).isEqualTo(1000);
		Map<Integer, List<JournalEntry>> expected = new HashMap<>();
		entries.forEach((entry) -> expected.computeIfAbsent(entry.partition(), (key) -> new ArrayList<>()).add(entry));
		Map<Integer, List<ConsumerRecord<byte[], byte[]>>> actual = new HashMap<>();
		records.forEach((record) -> actual.computeIfAbsent(record.partition(), (key) -> new ArrayList<>()).add(record));
		assertThat(actual).containsOnlyKeys(0, 1, 2);
		actual.forEach((partition, received) -> {
			List<JournalEntry> sent = expected.get(partition);
			assertThat(received).hasSameSizeAs(sent);
			for (int i = 0; i < sent.size(); i++) {
				ConsumerRecord<byte[], byte[]> record = received.get(i);
				JournalEntry entry = sent.get(i);
				assertThat(record.key()).isEqualTo(entry.key());
				assertThat(record.value()).isEqualTo(entry.value());
				assertThat(record.headers().toArray()).containsExactlyElementsOf(entry.headers());
			}
		});
		SendJournalReplayer.Statistics statistics = this.replayer.statistics();
		assertThat(statistics.replayed()).isEqualTo(1000);
		assertThat(statistics.rejected()).isZero();
		assertThat(statistics.replayFailures()).isZero();
		assertThat(this.journal.statistics().removed()).isEqualTo(1000);
		assertThat(this.journal.statistics().sizeBytes()).isZero();
		assertThat(took).isLessThan(WAIT);
	}

	@Test
	void keepsTheEntriesWhileTheBrokerIsDownAndDeliversThemOnceItIsBack() {
		String topic = KafkaTestSupport.unique("orders");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		List<JournalEntry> entries = IntStream.range(0, 100).mapToObj((i) -> entry(topic, null, i, 20)).toList();
		entries.forEach(this.journal::append);
		cluster.stopBroker(0);
		try {
			// each round fails after max.block.ms on the metadata of the stopped broker
			this.maxBlock = Duration.ofMillis(500);
			this.replayer.start();
			await().atMost(WAIT).until(() -> this.replayer.statistics().replayFailures() >= 2);
			assertThat(this.journal.statistics().backlogEntries()).isEqualTo(100);
			SendJournalReplayer.ReplayFailure failure = this.replayer.statistics().lastFailure();
			assertThat(failure).isNotNull();
			assertThat(failure.topic()).isEqualTo(topic);
			long stopStart = System.nanoTime();
			this.replayer.stop();
			assertThat(Duration.ofNanos(System.nanoTime() - stopStart)).isLessThan(Duration.ofSeconds(15));
			assertThat(this.replayer.isRunning()).isFalse();
			assertThat(this.journal.statistics().backlogEntries()).isEqualTo(100);
			this.replayer.start();
		}
		finally {
			cluster.startBroker(0);
		}
		await().atMost(WAIT).until(() -> this.journal.statistics().backlogEntries() == 0);
		List<ConsumerRecord<byte[], byte[]>> records = KafkaTestSupport.readAll(cluster.bootstrapServers(), topic, 100);
		assertThat(distinctValues(records)).containsExactlyElementsOf(values(entries));
		assertThat(this.replayer.statistics().replayed()).isEqualTo(100);
		assertThat(this.replayer.statistics().consecutiveFailures()).isZero();
	}

	@Test
	void recordLargerThanTheTopicAcceptsIsRejectedWithoutBlockingTheEntriesBehindIt() {
		String topic = KafkaTestSupport.unique("orders");
		cluster.createTopic(topic, 1, (short) 1, Map.of("max.message.bytes", "4096"));
		List<JournalEntry> entries = IntStream.range(0, 20)
			.mapToObj((i) -> entry(topic, 0, i, (i == 10) ? 20_000 : 20))
			.toList();
		entries.forEach(this.journal::append);
		this.replayer.start();
		await().atMost(WAIT).until(() -> this.journal.statistics().backlogEntries() == 0);
		List<JournalEntry> accepted = new ArrayList<>(entries);
		JournalEntry tooLarge = accepted.remove(10);
		List<ConsumerRecord<byte[], byte[]>> records = KafkaTestSupport.readAll(cluster.bootstrapServers(), topic, 19);
		assertThat(distinctValues(records)).containsExactlyElementsOf(values(accepted));
		assertThat(this.rejected.peek(10)).singleElement().satisfies((stored) -> {
			JournalEntry entry = stored.entry();
			assertThat(entry.topic()).isEqualTo(topic);
			assertThat(entry.partition()).isZero();
			assertThat(entry.key()).isEqualTo(tooLarge.key());
			assertThat(entry.value()).isEqualTo(tooLarge.value());
			assertThat(entry.headers()).isEqualTo(tooLarge.headers());
			assertThat(entry.reason()).contains("RecordTooLargeException").contains(tooLarge.reason());
		});
		assertThat(this.replayer.statistics().rejected()).isEqualTo(1);
		assertThat(this.replayer.statistics().replayed()).isEqualTo(19);
	}

	@Test
	void entriesThatCanNeverBeDeliveredDoNotHoldBackTheLanesBehindThem() {
		String missing = KafkaTestSupport.unique("missing");
		String small = KafkaTestSupport.unique("small");
		String healthy = KafkaTestSupport.unique("orders");
		cluster.createTopic(small, 1, (short) 1, Map.of());
		cluster.createTopic(healthy, 2, (short) 1, Map.of());
		this.journal.append(entry(missing, 0, 0, 20));
		this.journal.append(entry(small, 3, 1, 20));
		List<JournalEntry> deliverable = IntStream.range(2, 42).mapToObj((i) -> entry(healthy, i % 2, i, 20)).toList();
		deliverable.forEach(this.journal::append);
		this.replayer.start();
		List<ConsumerRecord<byte[], byte[]>> records = KafkaTestSupport.readAll(cluster.bootstrapServers(), healthy,
				40);
		assertThat(distinctValues(records)).containsExactlyInAnyOrderElementsOf(values(deliverable));
		await().atMost(WAIT).until(() -> this.replayer.stuckLanes().size() == 2);
		assertThat(this.replayer.stuckLanes())
			.extracting(SendJournalReplayer.Lane.Stuck::topic, SendJournalReplayer.Lane.Stuck::partition,
					SendJournalReplayer.Lane.Stuck::entries)
			.containsExactly(tuple(missing, 0, 1L), tuple(small, 3, 1L));
		assertThat(this.replayer.stuckLanes()).allSatisfy(
				(lane) -> assertThat(lane.error()).contains("TimeoutException").contains("not present in metadata"));
		assertThat(this.journal.statistics().backlogEntries()).isEqualTo(42);
		Health health = new ProducerHealthIndicator(new SendResultListener(), this.journal, this.replayer).health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails().get("stuckLanes")).asInstanceOf(InstanceOfAssertFactories.LIST)
			.hasSize(2)
			.first()
			.asInstanceOf(InstanceOfAssertFactories.MAP)
			.containsEntry("topic", missing)
			.containsEntry("partition", 0)
			.containsEntry("entries", 1L)
			.containsKeys("oldestEntryAge", "error");
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new SendJournalMeterBinder(this.journal, this.replayer).bindTo(registry);
		assertThat(registry.get("lossless.kafka.journal.stuck.lanes").gauge().value()).isEqualTo(2);
		assertThat(registry.get("lossless.kafka.journal.stuck.entries").gauge().value()).isEqualTo(2);
		cluster.createTopic(missing, 1, (short) 1, Map.of());
		assertThat(this.replayer.retryLane(missing, 0)).isTrue();
		assertThat(this.replayer.rejectLane(small, 3)).isTrue();
		await().atMost(WAIT).until(() -> this.journal.statistics().backlogEntries() == 0);
		assertThat(this.replayer.stuckLanes()).isEmpty();
		assertThat(distinctValues(KafkaTestSupport.readAll(cluster.bootstrapServers(), missing, 1)))
			.containsExactly(values(List.of(entry(missing, 0, 0, 20))).get(0));
		assertThat(this.rejected.peek(10)).singleElement()
			.satisfies((stored) -> assertThat(stored.entry().topic()).isEqualTo(small));
		assertThat(this.replayer.statistics().replayed()).isEqualTo(41);
		assertThat(this.replayer.statistics().rejected()).isEqualTo(1);
	}

	private Producer<byte[], byte[]> producer() {
		return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
				ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
				ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
				ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) this.maxBlock.toMillis(),
				ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
				ByteArraySerializer.class, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
	}

	private static JournalEntry entry(String topic, Integer partition, int i, int valueBytes) {
		byte[] value = new byte[valueBytes];
		byte[] index = Integer.toString(i).getBytes(StandardCharsets.UTF_8);
		System.arraycopy(index, 0, value, 0, index.length);
		value[valueBytes - 1] = (byte) 0xfe;
		List<Header> headers = List.of(new RecordHeader("trace", ("t-" + i).getBytes(StandardCharsets.UTF_8)),
				new RecordHeader("binary", new byte[] { 0, (byte) 0xff, (byte) i }), new RecordHeader("none", null));
		return new JournalEntry(topic, partition, new byte[] { (byte) 0xff, (byte) (i >> 8), (byte) i }, value, headers,
				Instant.now(), "delivery timeout " + i);
	}

	private static List<String> values(List<JournalEntry> entries) {
		return entries.stream().map((entry) -> new String(entry.value(), StandardCharsets.ISO_8859_1)).toList();
	}

	private static List<String> distinctValues(List<ConsumerRecord<byte[], byte[]>> records) {
		return records.stream()
			.map((record) -> new String(record.value(), StandardCharsets.ISO_8859_1))
			.distinct()
			.toList();
	}

	private static long endOffsets(String topic, int partitions) throws Exception {
		try (Admin admin = cluster.createAdmin()) {
			Map<TopicPartition, OffsetSpec> request = new HashMap<>();
			for (int partition = 0; partition < partitions; partition++) {
				request.put(new TopicPartition(topic, partition), OffsetSpec.latest());
			}
			Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets = admin.listOffsets(request)
				.all()
				.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			return offsets.values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
		}
	}

}
