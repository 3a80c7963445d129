package dev.lossless.kafka.idempotent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.SharedKafkaCluster;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.Acknowledgment;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The idempotent consumer against a real broker and a database (H2): records that come
 * back (the same message id sent twice, a redelivery after a crash before the commit, a
 * side effect that failed after its write) change the database exactly once.
 */
class IdempotentConsumerIntegrationTests {

	private static EmbeddedKafkaCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = SharedKafkaCluster.get();
	}

	@Test
	void messagesSentTwiceAndAFailedSideEffectChangeTheDatabaseOnce() {
		String topic = KafkaTestSupport.unique("payments");
		cluster.createTopic(topic, 3, (short) 1, Map.of());
		try (ConfigurableApplicationContext context = run(topic, KafkaTestSupport.unique("group"), true);
				KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			for (int message = 0; message < 100; message++) {
				producer.send(withMessageId(topic, message));
			}
			for (int message = 0; message < 50; message++) {
				producer.send(withMessageId(topic, message));
			}
			producer.flush();
			IdempotentProcessor processor = context.getBean(IdempotentProcessor.class);
			await().atMost(WAIT).until(() -> processor.processed() + processor.skipped() >= 150);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			assertThat(jdbc.queryForList("SELECT message_id FROM payment", String.class)).hasSize(100)
				.doesNotHaveDuplicates()
				.contains("m-0", "m-7", "m-99");
			assertThat(processor.skipped()).isEqualTo(50);
			assertThat(processor.processed()).isEqualTo(100);
			assertThat(PaymentListener.failures.get(topic)).as("side effects that failed once after their write")
				.hasSize(10);
		}
	}

	@Test
	void recordsRedeliveredAfterACrashBeforeTheCommitAreSkipped() {
		String topic = KafkaTestSupport.unique("payments");
		String group = KafkaTestSupport.unique("group");
		String database = KafkaTestSupport.unique("payments");
		cluster.createTopic(topic, 3, (short) 1, Map.of());
		try (ConfigurableApplicationContext crashing = run(topic, group, false, database)) {
			send(crashing, topic, 300);
			IdempotentProcessor processor = crashing.getBean(IdempotentProcessor.class);
			await().atMost(WAIT).until(() -> processor.processed() >= 300);
			assertThat(processor.skipped()).isZero();
		}
		try (ConfigurableApplicationContext restarted = run(topic, group, true, database)) {
			IdempotentProcessor processor = restarted.getBean(IdempotentProcessor.class);
			await().atMost(WAIT).until(() -> processor.skipped() >= 300);
			JdbcTemplate jdbc = restarted.getBean(JdbcTemplate.class);
			assertThat(jdbc.queryForList("SELECT message_id FROM payment", String.class)).hasSize(300)
				.doesNotHaveDuplicates()
				.allSatisfy((id) -> assertThat(id).startsWith("seq:"));
			assertThat(processor.processed()).isZero();
		}
	}

	private static ProducerRecord<byte[], byte[]> withMessageId(String topic, int message) {
		ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null,
				("payment-" + message).getBytes(StandardCharsets.UTF_8));
		record.headers().add(MessageIds.HEADER, ("m-" + message).getBytes(StandardCharsets.UTF_8));
		return record;
	}

	private static void send(ConfigurableApplicationContext context, String topic, int count) {
		@SuppressWarnings("unchecked")
		KafkaTemplate<String, String> template = context.getBean(KafkaTemplate.class);
		List<CompletableFuture<?>> results = new ArrayList<>();
		for (int payment = 0; payment < count; payment++) {
			results.add(template.send(topic, "payment-" + payment));
		}
		CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).join();
	}

	private static ConfigurableApplicationContext run(String topic, String group, boolean acknowledge) {
		return run(topic, group, acknowledge, KafkaTestSupport.unique("payments"));
	}

	private static ConfigurableApplicationContext run(String topic, String group, boolean acknowledge,
			String database) {
		return KafkaTestSupport.run(PaymentsApplication.class,
				"spring.kafka.bootstrap-servers=" + cluster.bootstrapServers(),
				"spring.kafka.consumer.group-id=" + group, "spring.kafka.listener.ack-mode=manual",
				"spring.datasource.url=jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1", "spring.sql.init.mode=always",
				"spring.sql.init.schema-locations=classpath:dev/lossless/kafka/idempotent/payment.sql",
				"lossless.kafka.consumer.retry.initial-interval=50ms",
				"lossless.kafka.consumer.retry.max-interval=100ms",
				"lossless.kafka.accepted-risks=topic.replication-factor,topic.min-insync-replicas",
				"test.topic=" + topic, "test.acknowledge=" + acknowledge);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(PaymentListener.class)
	static class PaymentsApplication {

	}

	static class PaymentListener {

		static final Map<String, Set<String>> failures = new ConcurrentHashMap<>();

		private final IdempotentProcessor processor;

		private final JdbcTemplate jdbc;

		private final boolean acknowledge;

		PaymentListener(IdempotentProcessor processor, JdbcTemplate jdbc,
				@Value("${test.acknowledge}") boolean acknowledge) {
			this.processor = processor;
			this.jdbc = jdbc;
			this.acknowledge = acknowledge;
		}

		@KafkaListener(id = "payments", idIsGroup = false, topics = "${test.topic}")
		void on(ConsumerRecord<String, String> record, Acknowledgment acknowledgment) {
			String messageId = MessageIds.of(record);
			this.processor.processOnce(record, () -> {
				this.jdbc.update("INSERT INTO payment (message_id, amount) VALUES (?, ?)", messageId, 10);
				if (messageId.startsWith("m-") && messageId.endsWith("7")
						&& failures.computeIfAbsent(record.topic(), (topic) -> ConcurrentHashMap.newKeySet())
							.add(messageId)) {
					throw new IllegalStateException("the side effect of " + messageId + " fails after its write");
				}
			});
			if (this.acknowledge) {
				acknowledgment.acknowledge();
			}
		}

	}

}
