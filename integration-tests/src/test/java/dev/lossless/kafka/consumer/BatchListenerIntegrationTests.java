package dev.lossless.kafka.consumer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.SharedKafkaCluster;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.support.KafkaHeaders;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Batch listeners against a real broker, in an application whose producer writes
 * {@code String}s (Spring Boot's default) while its listeners read {@code Integer}s: a
 * record that cannot be deserialized is dead-lettered with its original bytes before the
 * listener sees the batch, a record the listener names in a
 * {@link BatchListenerFailedException} is dead-lettered alone, with or without
 * exactly-once, and the good records of the batch are processed.
 */
class BatchListenerIntegrationTests {

	private static final IntegerSerializer integers = new IntegerSerializer();

	private static EmbeddedKafkaCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = SharedKafkaCluster.get();
		KafkaTestSupport.createTransactionStateLog(cluster.bootstrapServers());
	}

	@Test
	void undeserializableRecordIsDeadLetteredBeforeTheBatchListenerAndTheGoodRecordsAreProcessedOnce() {
		String topic = createTopic();
		byte[] garbage = "bad".getBytes(StandardCharsets.UTF_8);
		send(topic, integers.serialize(topic, 1), integers.serialize(topic, 2), garbage, integers.serialize(topic, 3));
		try (ConfigurableApplicationContext context = run(NaiveBatchApplication.class, topic)) {
			NaiveBatchListener listener = context.getBean(NaiveBatchListener.class);
			await().atMost(WAIT).until(() -> listener.processed.size() >= 3);
			List<ConsumerRecord<byte[], byte[]>> deadLetters = KafkaTestSupport.readAll(cluster.bootstrapServers(),
					topic + "-dlt", 1);
			assertThat(deadLetters).singleElement().satisfies((deadLetter) -> {
				assertThat(deadLetter.value()).isEqualTo(garbage);
				assertThat(header(deadLetter, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(topic);
				assertThat(header(deadLetter, KafkaHeaders.DLT_ORIGINAL_OFFSET)).isNotNull();
				assertThat(header(deadLetter, KafkaHeaders.DLT_EXCEPTION_FQCN)).contains("DeserializationException");
			});
			awaitCommitted(context, topic, 4);
			assertThat(listener.processed).containsExactly(1, 2, 3);
			assertThat(context.getBean(RecoveryListener.class).statistics().deadLettered()).isEqualTo(1);
		}
	}

	@Test
	void recordNamedByTheBatchListenerIsDeadLetteredAloneAndTheOthersAreProcessed() {
		String topic = createTopic();
		send(topic, integers.serialize(topic, 1), integers.serialize(topic, -1), integers.serialize(topic, 2),
				integers.serialize(topic, 3));
		try (ConfigurableApplicationContext context = run(NamingBatchApplication.class, topic)) {
			NamingBatchListener listener = context.getBean(NamingBatchListener.class);
			await().atMost(WAIT).until(() -> listener.processed.size() >= 3);
			List<ConsumerRecord<byte[], byte[]>> deadLetters = KafkaTestSupport.readAll(cluster.bootstrapServers(),
					topic + "-dlt", 1);
			assertThat(deadLetters).singleElement().satisfies((deadLetter) -> {
				assertThat(deadLetter.value()).isEqualTo(integers.serialize(topic, -1));
				assertThat(header(deadLetter, KafkaHeaders.DLT_EXCEPTION_MESSAGE)).contains("order -1");
			});
			awaitCommitted(context, topic, 4);
			assertThat(listener.processed).containsExactly(1, 2, 3);
		}
	}

	@Test
	void exactlyOnceBatchThatKeepsFailingEndsWithTheNamedRecordInTheDeadLetterTopic() {
		String topic = createTopic();
		send(topic, integers.serialize(topic, 1), integers.serialize(topic, -1), integers.serialize(topic, 2),
				integers.serialize(topic, 3));
		try (ConfigurableApplicationContext context = run(NamingBatchApplication.class, topic,
				"lossless.kafka.exactly-once.enabled=true")) {
			NamingBatchListener listener = context.getBean(NamingBatchListener.class);
			await().atMost(WAIT).until(() -> listener.processed.contains(3));
			List<ConsumerRecord<byte[], byte[]>> deadLetters = KafkaTestSupport.readAll(cluster.bootstrapServers(),
					topic + "-dlt", 1);
			assertThat(deadLetters).singleElement()
				.satisfies((deadLetter) -> assertThat(deadLetter.value()).isEqualTo(integers.serialize(topic, -1)));
			awaitCommitted(context, topic, 4);
			// 1 was processed in each rolled back attempt; 2 and 3 after the dead letter
			assertThat(listener.processed).containsOnly(1, 2, 3).containsSubsequence(2, 3);
			assertThat(listener.processed.stream().filter((order) -> order == 2)).hasSize(1);
			assertThat(deadLetterCount(topic)).isOne();
		}
	}

	@Test
	void poisonPillOfARecordListenerIsDeadLetteredThoughTheProducerWritesAnotherType() {
		String topic = createTopic();
		send(topic, integers.serialize(topic, -1), integers.serialize(topic, 1));
		try (ConfigurableApplicationContext context = run(RecordApplication.class, topic,
				"spring.kafka.listener.type=single")) {
			RecordListener listener = context.getBean(RecordListener.class);
			await().atMost(WAIT).until(() -> listener.processed.contains(1));
			List<ConsumerRecord<byte[], byte[]>> deadLetters = KafkaTestSupport.readAll(cluster.bootstrapServers(),
					topic + "-dlt", 1);
			assertThat(deadLetters).singleElement()
				.satisfies((deadLetter) -> assertThat(deadLetter.value()).isEqualTo(integers.serialize(topic, -1)));
			assertThat(context.getBean(RecoveryListener.class).statistics().deadLetterFailures()).isZero();
		}
	}

	private static String createTopic() {
		String topic = KafkaTestSupport.unique("orders");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		return topic;
	}

	private static ConfigurableApplicationContext run(Class<?> application, String topic, String... extra) {
		List<String> properties = new ArrayList<>(List.of(
				"spring.kafka.bootstrap-servers=" + cluster.bootstrapServers(),
				"spring.kafka.consumer.group-id=" + KafkaTestSupport.unique("group"),
				"spring.kafka.consumer.value-deserializer=org.apache.kafka.common.serialization.IntegerDeserializer",
				"spring.kafka.listener.type=batch", "lossless.kafka.consumer.retry.attempts=3",
				"lossless.kafka.consumer.retry.initial-interval=100ms",
				"lossless.kafka.consumer.retry.max-interval=200ms",
				"lossless.kafka.accepted-risks=topic.replication-factor,topic.min-insync-replicas",
				"test.topic=" + topic));
		properties.addAll(List.of(extra));
		return KafkaTestSupport.run(application, properties.toArray(String[]::new));
	}

	private static void send(String topic, byte[]... values) {
		try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			for (byte[] value : values) {
				producer.send(new ProducerRecord<>(topic, 0, null, value));
			}
		}
	}

	private static void awaitCommitted(ConfigurableApplicationContext context, String topic, long offset) {
		String group = context.getEnvironment().getProperty("spring.kafka.consumer.group-id");
		await().atMost(WAIT)
			.until(() -> KafkaTestSupport.committedOffset(cluster.bootstrapServers(), group,
					new TopicPartition(topic, 0)) >= offset);
	}

	private static long deadLetterCount(String topic) {
		try (Admin admin = cluster.createAdmin()) {
			TopicPartition partition = new TopicPartition(topic + "-dlt", 0);
			return admin
				.listOffsets(Map.of(partition, OffsetSpec.latest()),
						new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
				.partitionResult(partition)
				.get()
				.offset();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(NaiveBatchListener.class)
	static class NaiveBatchApplication {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(NamingBatchListener.class)
	static class NamingBatchApplication {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(RecordListener.class)
	static class RecordApplication {

	}

	static class RecordListener {

		final List<Integer> processed = new CopyOnWriteArrayList<>();

		@KafkaListener(id = "record", idIsGroup = false, topics = "${test.topic}")
		void listen(Integer order) {
			if (order < 0) {
				throw new IllegalStateException("order " + order + " cannot be processed");
			}
			this.processed.add(order);
		}

	}

	/**
	 * A batch listener written as a new user would: it trusts every value.
	 */
	static class NaiveBatchListener {

		final List<Integer> processed = new CopyOnWriteArrayList<>();

		@KafkaListener(id = "naive", idIsGroup = false, topics = "${test.topic}")
		void listen(List<Integer> orders) {
			for (Integer order : orders) {
				this.processed.add(order.intValue());
			}
		}

	}

	/**
	 * A listener that names the record it cannot process.
	 */
	static class NamingBatchListener {

		final List<Integer> processed = new CopyOnWriteArrayList<>();

		@KafkaListener(id = "naming", idIsGroup = false, topics = "${test.topic}")
		void listen(List<ConsumerRecord<Object, Integer>> records) {
			for (ConsumerRecord<Object, Integer> record : records) {
				if (record.value() < 0) {
					throw new BatchListenerFailedException("order " + record.value() + " cannot be processed", record);
				}
				this.processed.add(record.value());
			}
		}

	}

}
