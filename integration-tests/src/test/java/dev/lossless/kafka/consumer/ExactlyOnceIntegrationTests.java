package dev.lossless.kafka.consumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.testcluster.KafkaProcessCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Exactly-once consume-transform-produce on three real broker processes (topics with RF 3
 * and {@code min.insync.replicas=2}): with the transaction coordinator killed mid-stream
 * and restarted, a {@code read_committed} reader of the output sees every input id
 * exactly once and the group's offsets reach the end; a poison pill lands in the
 * dead-letter topic once while its aborted output never shows; a fenced producer stops
 * the container instead of skipping records.
 */
class ExactlyOnceIntegrationTests {

	private static final int RECORDS = 500;

	private static KafkaProcessCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = KafkaProcessCluster.builder().brokers(3).start();
		KafkaTestSupport.createTransactionStateLog(cluster.bootstrapServers());
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Test
	void outputEqualsInputExactlyOnceWhenTheTransactionCoordinatorIsKilledMidStream() throws Exception {
		String input = durableTopic("input", 3);
		String output = durableTopic("output", 3);
		String group = KafkaTestSupport.unique("transform");
		List<String> ids = IntStream.range(0, RECORDS).mapToObj((i) -> "id-" + i).toList();
		try (ConfigurableApplicationContext application = run(input, output, group, 3)) {
			Transformer transformer = application.getBean(Transformer.class);
			send(input, ids);
			await().atMost(WAIT).until(() -> transformer.transformed.get() >= RECORDS / 4);
			int coordinator = transactionCoordinator(application);
			cluster.kill(coordinator);
			try {
				// two brokers are enough for RF 3 and min.insync.replicas=2: processing
				// goes on once the coordinator has moved
				int atKill = transformer.transformed.get();
				await().atMost(WAIT).until(() -> transformer.transformed.get() >= atKill + RECORDS / 4);
			}
			finally {
				cluster.restart(coordinator);
			}
			awaitCommittedToTheEnd(group, input);
			Map<String, Integer> copies = copiesOfIds(output);
			assertThat(lost(ids, copies)).as("lost").isEmpty();
			assertThat(duplicates(copies)).as("duplicates").isZero();
			assertThat(copies.keySet()).containsExactlyInAnyOrderElementsOf(ids);
			assertThat(application.getBean(RecoveryListener.class).statistics().deadLettered())
				.as("records dead-lettered because a broker failed")
				.isZero();
		}
	}

	@Test
	void poisonPillLandsInTheDeadLetterTopicOnceAndItsAbortedOutputNeverShows() throws Exception {
		String input = durableTopic("input", 1);
		String output = durableTopic("output", 1);
		String group = KafkaTestSupport.unique("transform");
		List<String> ids = List.of("id-0", "id-1", "id-2", "poison-3", "id-4", "id-5");
		try (ConfigurableApplicationContext application = run(input, output, group, 1)) {
			Transformer transformer = application.getBean(Transformer.class);
			send(input, ids);
			awaitCommittedToTheEnd(group, input);
			assertThat(transformer.poisonAttempts).as("delivery attempts of the poison pill").hasValue(3);
			Map<String, Integer> copies = copiesOfIds(output);
			assertThat(copies).containsOnlyKeys("id-0", "id-1", "id-2", "id-4", "id-5");
			assertThat(duplicates(copies)).as("duplicates").isZero();
			List<ConsumerRecord<byte[], byte[]>> deadLetters = readToTheEnd(input + "-dlt");
			assertThat(deadLetters).singleElement().satisfies((deadLetter) -> {
				assertThat(string(deadLetter.value())).isEqualTo("poison-3");
				assertThat(header(deadLetter, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(input);
				assertThat(header(deadLetter, KafkaHeaders.DLT_ORIGINAL_OFFSET)).isNotNull();
				assertThat(header(deadLetter, KafkaHeaders.DLT_EXCEPTION_MESSAGE))
					.contains("poison-3 cannot be transformed");
			});
			assertThat(application.getBean(RecoveryListener.class).statistics().deadLettered()).isOne();
		}
	}

	@Test
	void fencedProducerStopsTheContainerAndTheRecordsBehindItAreProcessedByTheNextInstance() throws Exception {
		String input = durableTopic("input", 1);
		String output = durableTopic("output", 1);
		String group = KafkaTestSupport.unique("transform");
		String prefix = KafkaTestSupport.unique("fenced") + "-";
		try (ConfigurableApplicationContext application = run(input, output, group, 1,
				"lossless.kafka.exactly-once.transaction-id-prefix=" + prefix)) {
			send(input, List.of("id-0"));
			awaitCommittedTo(group, input, 1);
			// a second producer with the same transactional.id fences the first one
			try (KafkaProducer<byte[], byte[]> zombieKiller = transactionalProducer(prefix + "0")) {
				zombieKiller.initTransactions();
			}
			send(input, List.of("id-1", "id-2", "id-3"));
			await().atMost(WAIT).until(() -> consumerHealth(application).getStatus().equals(Status.DOWN));
			assertThat(consumerHealth(application).getDetails().get("containers")).asString()
				.contains("transform=")
				.contains("reason=");
			assertThat(committed(group, input)).as("nothing skipped past the fenced transaction")
				.containsEntry(new TopicPartition(input, 0), 1L);
			assertThat(copiesOfIds(output)).containsOnlyKeys("id-0");
		}
		try (ConfigurableApplicationContext nextInstance = run(input, output, group, 1)) {
			awaitCommittedToTheEnd(group, input);
			Map<String, Integer> copies = copiesOfIds(output);
			assertThat(copies).containsOnlyKeys("id-0", "id-1", "id-2", "id-3");
			assertThat(duplicates(copies)).as("duplicates").isZero();
		}
	}

	private static ConfigurableApplicationContext run(String input, String output, String group, int concurrency,
			String... extraProperties) {
		List<String> properties = new ArrayList<>(List.of(
				"spring.kafka.bootstrap-servers=" + cluster.bootstrapServers(),
				"spring.kafka.consumer.group-id=" + group, "lossless.kafka.exactly-once.enabled=true",
				"lossless.kafka.consumer.retry.attempts=3", "lossless.kafka.consumer.retry.initial-interval=100ms",
				"lossless.kafka.consumer.retry.max-interval=200ms",
				// each record is a transaction, and its offset commit mostly meets the
				// markers of the one before (CONCURRENT_TRANSACTIONS): retried after
				// retry.backoff.ms, 100 ms by default
				"spring.kafka.producer.properties.retry.backoff.ms=10",
				// a member that joined first and took every partition gives them up
				// at its next poll: after 50 records, not 500, one transaction each
				"spring.kafka.consumer.max-poll-records=50", "test.input=" + input, "test.output=" + output,
				"test.concurrency=" + concurrency));
		properties.addAll(List.of(extraProperties));
		return KafkaTestSupport.run(TransformApplication.class, properties.toArray(String[]::new));
	}

	private static String durableTopic(String prefix, int partitions) {
		String topic = KafkaTestSupport.unique(prefix);
		cluster.createTopic(topic, partitions, (short) 3, Map.of("min.insync.replicas", "2"));
		return topic;
	}

	private static void send(String topic, List<String> ids) {
		try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			for (String id : ids) {
				byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
				producer.send(new ProducerRecord<>(topic, bytes, bytes));
			}
			producer.flush();
		}
	}

	private static KafkaProducer<byte[], byte[]> transactionalProducer(String transactionalId) {
		return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
				ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
				ByteArraySerializer.class, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
	}

	/**
	 * Return the broker that coordinates a transaction of the application's producers.
	 */
	private static int transactionCoordinator(ConfigurableApplicationContext application) throws Exception {
		String prefix = application.getBean(DefaultKafkaProducerFactory.class).getTransactionIdPrefix();
		assertThat(prefix).isNotNull();
		try (Admin admin = cluster.createAdmin()) {
			String transactionalId = admin.listTransactions()
				.all()
				.get()
				.stream()
				.map(TransactionListing::transactionalId)
				.filter((id) -> id.startsWith(prefix))
				.sorted()
				.findFirst()
				.orElseThrow();
			return admin.describeTransactions(List.of(transactionalId))
				.description(transactionalId)
				.get()
				.coordinatorId();
		}
	}

	private static void awaitCommittedToTheEnd(String group, String topic) throws Exception {
		Map<TopicPartition, Long> ends = endOffsets(topic);
		await().atMost(WAIT.multipliedBy(2))
			.pollInterval(Duration.ofMillis(500))
			.untilAsserted(() -> assertThat(committed(group, topic)).isEqualTo(ends));
	}

	private static void awaitCommittedTo(String group, String topic, long offset) {
		await().atMost(WAIT)
			.pollInterval(Duration.ofMillis(200))
			.until(() -> committed(group, topic).getOrDefault(new TopicPartition(topic, 0), 0L) >= offset);
	}

	private static Map<TopicPartition, Long> committed(String group, String topic) throws Exception {
		try (Admin admin = cluster.createAdmin()) {
			Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
				.partitionsToOffsetAndMetadata()
				.get();
			return offsets.entrySet()
				.stream()
				.filter((entry) -> entry.getKey().topic().equals(topic) && entry.getValue() != null)
				.collect(Collectors.toMap(Map.Entry::getKey, (entry) -> entry.getValue().offset()));
		}
	}

	private static Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
		try (Admin admin = cluster.createAdmin()) {
			int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
			Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, partitions)
				.boxed()
				.collect(Collectors.toMap((partition) -> new TopicPartition(topic, partition),
						(partition) -> OffsetSpec.latest()));
			return admin.listOffsets(latest)
				.all()
				.get()
				.entrySet()
				.stream()
				.collect(Collectors.toMap(Map.Entry::getKey, (entry) -> entry.getValue().offset()));
		}
	}

	/**
	 * Read a topic from its start to its last stable offset, as a {@code read_committed}
	 * consumer.
	 */
	private static List<ConsumerRecord<byte[], byte[]>> readToTheEnd(String topic) {
		List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
				ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
				ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
				false, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
				ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic)
				.stream()
				.map((info) -> new TopicPartition(topic, info.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
			await().atMost(WAIT).until(() -> {
				consumer.poll(Duration.ofMillis(200)).forEach(records::add);
				return partitions.stream().allMatch((partition) -> consumer.position(partition) >= ends.get(partition));
			});
		}
		return records;
	}

	/**
	 * Return how many times each input id appears in the output, read to its end.
	 */
	private static Map<String, Integer> copiesOfIds(String output) {
		Map<String, Integer> copies = new HashMap<>();
		for (ConsumerRecord<byte[], byte[]> record : readToTheEnd(output)) {
			String value = string(record.value());
			assertThat(value).startsWith("out-");
			copies.merge(value.substring("out-".length()), 1, Integer::sum);
		}
		return copies;
	}

	private static Set<String> lost(Collection<String> ids, Map<String, Integer> copies) {
		Set<String> lost = new TreeSet<>(ids);
		lost.removeAll(copies.keySet());
		return lost;
	}

	private static int duplicates(Map<String, Integer> copies) {
		return copies.values().stream().mapToInt((count) -> count - 1).sum();
	}

	private static String string(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

	private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null) ? string(header.value()) : null;
	}

	private static Health consumerHealth(ConfigurableApplicationContext context) {
		CompositeHealthContributor reliability = context.getBean("kafkaReliabilityHealthContributor",
				CompositeHealthContributor.class);
		return ((HealthIndicator) reliability.getContributor("consumer")).health();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Transformer.class)
	static class TransformApplication {

	}

	static class Transformer {

		final AtomicInteger transformed = new AtomicInteger();

		final AtomicInteger poisonAttempts = new AtomicInteger();

		private final KafkaTemplate<String, String> template;

		private final String output;

		Transformer(KafkaTemplate<String, String> template, @Value("${test.output}") String output) {
			this.template = template;
			this.output = output;
		}

		/**
		 * Transform a record inside the container's transaction: the output and the input
		 * offset are committed together.
		 */
		@KafkaListener(id = "transform", idIsGroup = false, topics = "${test.input}",
				concurrency = "${test.concurrency}")
		void transform(ConsumerRecord<String, String> record) {
			this.template.send(this.output, record.key(), "out-" + record.value());
			if (record.value().startsWith("poison")) {
				this.poisonAttempts.incrementAndGet();
				throw new IllegalStateException(record.value() + " cannot be transformed");
			}
			this.transformed.incrementAndGet();
		}

	}

}
