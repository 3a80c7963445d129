package dev.lossless.kafka.consumer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.SharedKafkaCluster;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.support.KafkaHeaders;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Poison pills and deserialization failures against a real broker: they land in the
 * dead-letter topic with their headers, the records behind them keep flowing, and a
 * dead-letter publish that fails retries the record instead of skipping it.
 */
class DeadLetterIntegrationTests {

	private static EmbeddedKafkaCluster cluster;

	private static final IntegerSerializer integers = new IntegerSerializer();

	@BeforeAll
	static void startCluster() {
		cluster = SharedKafkaCluster.get();
	}

	@Test
	void poisonPillAndUndeserializableRecordLandInTheDeadLetterTopicWhileLaterRecordsAreProcessed() {
		String topic = KafkaTestSupport.unique("orders");
		cluster.createTopic(topic, 2, (short) 1, Map.of());
		byte[] garbage = "bad".getBytes(StandardCharsets.UTF_8);
		try (ConfigurableApplicationContext context = runOrders(topic);
				KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			send(producer, topic, 1, 2, -1);
			producer.send(new ProducerRecord<>(topic, 0, null, garbage));
			send(producer, topic, 3, 4, 5);
			OrderListener listener = context.getBean(OrderListener.class);
			await().atMost(WAIT).until(() -> listener.processed.size() >= 5);
			assertThat(listener.processed).containsExactly(1, 2, 3, 4, 5);
			assertThat(listener.poisonAttempts).hasValue(3);
			List<ConsumerRecord<byte[], byte[]>> deadLetters = KafkaTestSupport.readAll(cluster.bootstrapServers(),
					topic + "-dlt", 2);
			assertThat(deadLetters).hasSize(2).allSatisfy((deadLetter) -> {
				assertThat(deadLetter.partition()).isZero();
				assertThat(header(deadLetter, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(topic);
				assertThat(header(deadLetter, KafkaHeaders.DLT_ORIGINAL_OFFSET)).isNotNull();
			});
			assertThat(deadLetters.get(0).value()).isEqualTo(integers.serialize(topic, -1));
			assertThat(header(deadLetters.get(0), KafkaHeaders.DLT_EXCEPTION_MESSAGE))
				.contains("order -1 cannot be processed");
			assertThat(deadLetters.get(1).value()).isEqualTo(garbage);
			assertThat(header(deadLetters.get(1), KafkaHeaders.DLT_EXCEPTION_FQCN))
				.contains("DeserializationException");
			assertThat(context.getBean(RecoveryListener.class).statistics().deadLettered()).isEqualTo(2);
		}
	}

	@Test
	void recordWhoseKeyCannotBeDeserializedLandsInTheDeadLetterTopicWithItsOriginalKeyBytes() {
		String topic = KafkaTestSupport.unique("orders");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		byte[] badKey = "bad".getBytes(StandardCharsets.UTF_8);
		try (ConfigurableApplicationContext context = runOrders(topic,
				"spring.kafka.consumer.key-deserializer=org.apache.kafka.common.serialization.IntegerDeserializer");
				KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			producer.send(new ProducerRecord<>(topic, 0, badKey, integers.serialize(topic, 7)));
			send(producer, topic, 8);
			OrderListener listener = context.getBean(OrderListener.class);
			await().atMost(WAIT).until(() -> listener.processed.contains(8));
			assertThat(listener.processed).containsExactly(8);
			List<ConsumerRecord<byte[], byte[]>> deadLetters = KafkaTestSupport.readAll(cluster.bootstrapServers(),
					topic + "-dlt", 1);
			assertThat(deadLetters).singleElement().satisfies((deadLetter) -> {
				assertThat(deadLetter.key()).isEqualTo(badKey);
				assertThat(deadLetter.value()).isEqualTo(integers.serialize(topic, 7));
				assertThat(header(deadLetter, KafkaHeaders.DLT_KEY_EXCEPTION_FQCN))
					.contains("DeserializationException");
			});
		}
	}

	@Test
	void failedDeadLetterPublishRetriesTheRecordAndStallsItsPartitionUntilThePublishSucceeds() throws Exception {
		String topic = KafkaTestSupport.unique("orders");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		try (ConfigurableApplicationContext context = runOrders(topic, "lossless.kafka.dlt.auto-create=false",
				"lossless.kafka.accepted-risks=topic.replication-factor,topic.min-insync-replicas,topic.exists:" + topic
						+ "-dlt",
				"spring.kafka.producer.properties.max.block.ms=1000");
				KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			send(producer, topic, 1, -1, 2);
			OrderListener listener = context.getBean(OrderListener.class);
			RecoveryListener recovery = context.getBean(RecoveryListener.class);
			await().atMost(WAIT).until(() -> recovery.statistics().deadLetterFailures() >= 2);
			assertThat(listener.processed).containsExactly(1);
			assertThat(consumerHealth(context).getStatus()).isEqualTo(Status.DOWN);
			String group = context.getBean(KafkaListenerEndpointRegistry.class)
				.getListenerContainer("orders")
				.getGroupId();
			TopicPartition partition = new TopicPartition(topic, 0);
			// nothing is committed past the record whose dead letter was not published
			assertThat(KafkaTestSupport.committedOffset(cluster.bootstrapServers(), group, partition))
				.isLessThanOrEqualTo(1);

			cluster.createTopic(topic + "-dlt", 1, (short) 1, Map.of());
			await().atMost(WAIT).until(() -> listener.processed.size() == 2);
			assertThat(listener.processed).containsExactly(1, 2);
			List<ConsumerRecord<byte[], byte[]>> deadLetters = KafkaTestSupport.readAll(cluster.bootstrapServers(),
					topic + "-dlt", 1);
			assertThat(deadLetters).singleElement()
				.satisfies((deadLetter) -> assertThat(deadLetter.value()).isEqualTo(integers.serialize(topic, -1)));
			assertThat(recovery.statistics().stalled()).isEmpty();
			await().atMost(WAIT)
				.until(() -> KafkaTestSupport.committedOffset(cluster.bootstrapServers(), group, partition) == 3);
			assertThat(consumerHealth(context).getStatus()).isEqualTo(Status.UP);
		}
	}

	private static ConfigurableApplicationContext runOrders(String topic, String... extraProperties) {
		List<String> properties = new ArrayList<>(List.of(
				"spring.kafka.bootstrap-servers=" + cluster.bootstrapServers(),
				"spring.kafka.consumer.group-id=" + KafkaTestSupport.unique("group"),
				"spring.kafka.consumer.value-deserializer=org.apache.kafka.common.serialization.IntegerDeserializer",
				"spring.kafka.producer.value-serializer=org.apache.kafka.common.serialization.IntegerSerializer",
				"lossless.kafka.consumer.retry.attempts=3", "lossless.kafka.consumer.retry.initial-interval=100ms",
				"lossless.kafka.consumer.retry.max-interval=200ms",
				"lossless.kafka.accepted-risks=topic.replication-factor,topic.min-insync-replicas",
				"test.topic=" + topic));
		properties.addAll(List.of(extraProperties));
		return KafkaTestSupport.run(OrdersApplication.class, properties.toArray(String[]::new));
	}

	private static void send(KafkaProducer<byte[], byte[]> producer, String topic, int... orders) {
		for (int order : orders) {
			producer.send(new ProducerRecord<>(topic, 0, null, integers.serialize(topic, order)));
		}
		producer.flush();
	}

	private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

	private static Health consumerHealth(ConfigurableApplicationContext context) {
		CompositeHealthContributor reliability = context.getBean("kafkaReliabilityHealthContributor",
				CompositeHealthContributor.class);
		return ((HealthIndicator) reliability.getContributor("consumer")).health();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(OrderListener.class)
	static class OrdersApplication {

	}

	static class OrderListener {

		final List<Integer> processed = new CopyOnWriteArrayList<>();

		final AtomicInteger poisonAttempts = new AtomicInteger();

		@KafkaListener(id = "orders", topics = "${test.topic}")
		void listen(Integer order) {
			if (order < 0) {
				this.poisonAttempts.incrementAndGet();
				throw new IllegalStateException("order " + order + " cannot be processed");
			}
			this.processed.add(order);
		}

	}

}
