package dev.lossless.kafka.consumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.SharedKafkaCluster;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.jspecify.annotations.NullUnmarked;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaHandler;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.Acknowledgment;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Listeners that take an {@link Acknowledgment}, against a real broker, without the
 * application setting {@code spring.kafka.listener.ack-mode}: their records are processed
 * and committed when acknowledged; with out-of-order acknowledgements
 * ({@code async-acks}) no offset is committed past a record not yet acknowledged, and
 * {@code nack} is refused when called, its record dead-lettered rather than dropped.
 */
class ManualAcknowledgmentIntegrationTests {

	private static final IntegerSerializer integers = new IntegerSerializer();

	private static EmbeddedKafkaCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = SharedKafkaCluster.get();
	}

	@Test
	void listenerTakingAnAcknowledgmentProcessesAndCommitsItsRecordsWithoutAckModeSet() {
		String topic = createTopic();
		send(topic, 1, 2, 3);
		try (ConfigurableApplicationContext context = run(AcknowledgingApplication.class, topic)) {
			AcknowledgingListener listener = context.getBean(AcknowledgingListener.class);
			await().atMost(WAIT).until(() -> committed(context, topic) == 3);
			assertThat(listener.processed).containsExactly(1, 2, 3);
			assertThat(listener.failures).isEmpty();
			assertThat(context.getBean(RecoveryListener.class).statistics().deadLettered()).isZero();
		}
	}

	@Test
	void recordsAreCommittedOnlyOnceAcknowledged() {
		String topic = createTopic();
		send(topic, 0, 1, 2);
		try (ConfigurableApplicationContext context = run(HoldingApplication.class, topic)) {
			HoldingListener listener = context.getBean(HoldingListener.class);
			await().atMost(WAIT).until(() -> listener.held.size() == 3);
			await().during(Duration.ofSeconds(3)).atMost(WAIT).until(() -> committed(context, topic) <= 0);
			listener.held.forEach(Acknowledgment::acknowledge);
			await().atMost(WAIT).until(() -> committed(context, topic) == 3);
		}
	}

	@Test
	void outOfOrderAcknowledgementsNeverCommitPastARecordNotYetAcknowledged() {
		String topic = createTopic();
		send(topic, 0, 1, 2, 3, 4);
		try (ConfigurableApplicationContext context = run(HoldingApplication.class, topic,
				"spring.kafka.listener.async-acks=true")) {
			HoldingListener listener = context.getBean(HoldingListener.class);
			await().atMost(WAIT).until(() -> listener.held.size() == 5);
			// acknowledged in reverse order, the first record last
			for (int i = 4; i >= 1; i--) {
				listener.held.get(i).acknowledge();
			}
			await().during(Duration.ofSeconds(3)).atMost(WAIT).until(() -> committed(context, topic) <= 0);
			listener.held.get(0).acknowledge();
			await().atMost(WAIT).until(() -> committed(context, topic) == 5);
		}
	}

	@Test
	void nackWithOutOfOrderAcknowledgementsIsRefusedItsRecordKeptAndTheRecordsBehindItCommitted() {
		String topic = createTopic();
		send(topic, 1, 2, 3);
		try (ConfigurableApplicationContext context = run(NackingApplication.class, topic,
				"spring.kafka.listener.async-acks=true")) {
			NackingListener listener = context.getBean(NackingListener.class);
			assertDeadLetteredAndTheRecordsBehindCommitted(context, topic, listener.processed);
			assertThat(listener.refusals).isNotEmpty()
				.allSatisfy((refusal) -> assertThat(refusal).contains("not supported with out-of-order commits"));
		}
	}

	@Test
	void throwingListenerWithOutOfOrderAcknowledgementsHasItsRecordKeptAndTheRecordsBehindItCommitted() {
		String topic = createTopic();
		send(topic, 1, 2, 3);
		try (ConfigurableApplicationContext context = run(ThrowingApplication.class, topic,
				"spring.kafka.listener.async-acks=true")) {
			ThrowingListener listener = context.getBean(ThrowingListener.class);
			assertDeadLetteredAndTheRecordsBehindCommitted(context, topic, listener.processed);
			assertThat(listener.failures).hasSize(2);
		}
	}

	@Test
	void failureBehindARecordNotYetAcknowledgedNeverCommitsPastIt() {
		String topic = createTopic();
		send(topic, 0, 1, 2);
		try (ConfigurableApplicationContext context = run(HoldingFirstApplication.class, topic,
				"spring.kafka.listener.async-acks=true")) {
			HoldingFirstListener listener = context.getBean(HoldingFirstListener.class);
			await().atMost(WAIT).until(() -> listener.held.size() == 1 && !listener.failures.isEmpty());
			await().during(Duration.ofSeconds(3)).atMost(WAIT).until(() -> committed(context, topic) <= 0);
			listener.held.get(0).acknowledge();
			assertDeadLetteredAndTheRecordsBehindCommitted(context, topic, listener.processed, 2);
		}
	}

	private static void assertDeadLetteredAndTheRecordsBehindCommitted(ConfigurableApplicationContext context,
			String topic, List<Integer> processed) {
		assertDeadLetteredAndTheRecordsBehindCommitted(context, topic, processed, 2, 3);
	}

	private static void assertDeadLetteredAndTheRecordsBehindCommitted(ConfigurableApplicationContext context,
			String topic, List<Integer> processed, Integer... behind) {
		List<ConsumerRecord<byte[], byte[]>> deadLetters = KafkaTestSupport.readAll(cluster.bootstrapServers(),
				topic + "-dlt", 1);
		assertThat(deadLetters).singleElement()
			.satisfies((deadLetter) -> assertThat(deadLetter.value()).isEqualTo(integers.serialize(topic, 1)));
		await().atMost(WAIT).until(() -> committed(context, topic) == 3);
		assertThat(processed).containsExactly(behind);
	}

	@Test
	void classLevelListenerWhoseHandlersDifferIsRefusedAtStartupNamingIt() {
		String topic = createTopic();
		assertThatIllegalStateException().isThrownBy(() -> run(MixedApplication.class, topic).close())
			.withMessageContaining("Listener 'mixed'")
			.withMessageContaining("[withAcknowledgment]");
	}

	private static String createTopic() {
		String topic = KafkaTestSupport.unique("acks");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		return topic;
	}

	private static ConfigurableApplicationContext run(Class<?> application, String topic, String... extra) {
		List<String> properties = new ArrayList<>(List.of(
				"spring.kafka.bootstrap-servers=" + cluster.bootstrapServers(),
				"spring.kafka.consumer.group-id=" + KafkaTestSupport.unique("group"),
				"spring.kafka.consumer.value-deserializer=org.apache.kafka.common.serialization.IntegerDeserializer",
				"lossless.kafka.consumer.retry.attempts=2", "lossless.kafka.consumer.retry.initial-interval=100ms",
				"lossless.kafka.consumer.retry.max-interval=200ms",
				"lossless.kafka.accepted-risks=topic.replication-factor,topic.min-insync-replicas",
				"test.topic=" + topic));
		properties.addAll(List.of(extra));
		return KafkaTestSupport.run(application, properties.toArray(String[]::new));
	}

	private static void send(String topic, int... values) {
		try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			for (int value : values) {
				producer.send(new ProducerRecord<>(topic, 0, null, integers.serialize(topic, value)));
			}
		}
	}

	private static long committed(ConfigurableApplicationContext context, String topic) throws Exception {
		return KafkaTestSupport.committedOffset(cluster.bootstrapServers(),
				context.getEnvironment().getProperty("spring.kafka.consumer.group-id"), new TopicPartition(topic, 0));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(AcknowledgingListener.class)
	static class AcknowledgingApplication {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(MixedListener.class)
	static class MixedApplication {

	}

	@KafkaListener(id = "mixed", idIsGroup = false, topics = "${test.topic}")
	static class MixedListener {

		@KafkaHandler
		void withAcknowledgment(Integer order, Acknowledgment acknowledgment) {
			acknowledgment.acknowledge();
		}

		@KafkaHandler
		void withoutAcknowledgment(String order) {
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(HoldingListener.class)
	static class HoldingApplication {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(NackingListener.class)
	static class NackingApplication {

	}

	/**
	 * A listener in code without nullness annotations, as most applications' are.
	 */
	@NullUnmarked
	static class AcknowledgingListener {

		final List<Integer> processed = new CopyOnWriteArrayList<>();

		final List<String> failures = new CopyOnWriteArrayList<>();

		@KafkaListener(id = "acknowledging", idIsGroup = false, topics = "${test.topic}")
		void listen(Integer order, Acknowledgment acknowledgment) {
			this.processed.add(order);
			acknowledgment.acknowledge();
		}

	}

	/**
	 * Keeps the acknowledgements for the test to call, in any order.
	 */
	static class HoldingListener {

		final List<Acknowledgment> held = new CopyOnWriteArrayList<>();

		@KafkaListener(id = "holding", idIsGroup = false, topics = "${test.topic}")
		void listen(Integer order, Acknowledgment acknowledgment) {
			this.held.add(acknowledgment);
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(ThrowingListener.class)
	static class ThrowingApplication {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(HoldingFirstListener.class)
	static class HoldingFirstApplication {

	}

	static class NackingListener {

		final List<Integer> processed = new CopyOnWriteArrayList<>();

		final List<String> refusals = new CopyOnWriteArrayList<>();

		@KafkaListener(id = "nacking", idIsGroup = false, topics = "${test.topic}")
		void listen(Integer order, Acknowledgment acknowledgment) {
			if (order == 1) {
				try {
					acknowledgment.nack(Duration.ZERO);
				}
				catch (IllegalStateException ex) {
					this.refusals.add(ex.getMessage());
					throw ex;
				}
			}
			this.processed.add(order);
			acknowledgment.acknowledge();
		}

	}

	static class ThrowingListener {

		final List<Integer> processed = new CopyOnWriteArrayList<>();

		final List<Integer> failures = new CopyOnWriteArrayList<>();

		@KafkaListener(id = "throwing", idIsGroup = false, topics = "${test.topic}")
		void listen(Integer order, Acknowledgment acknowledgment) {
			if (order == 1) {
				this.failures.add(order);
				throw new IllegalStateException("order " + order + " cannot be processed");
			}
			this.processed.add(order);
			acknowledgment.acknowledge();
		}

	}

	/**
	 * Keeps the first record's acknowledgement for the test to call, fails the second.
	 */
	static class HoldingFirstListener {

		final List<Acknowledgment> held = new CopyOnWriteArrayList<>();

		final List<Integer> processed = new CopyOnWriteArrayList<>();

		final List<Integer> failures = new CopyOnWriteArrayList<>();

		@KafkaListener(id = "holding-first", idIsGroup = false, topics = "${test.topic}")
		void listen(Integer order, Acknowledgment acknowledgment) {
			if (order == 0) {
				this.held.add(acknowledgment);
				return;
			}
			if (order == 1) {
				this.failures.add(order);
				throw new IllegalStateException("order " + order + " cannot be processed");
			}
			this.processed.add(order);
			acknowledgment.acknowledge();
		}

	}

}
