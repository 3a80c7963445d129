package dev.lossless.kafka.sequence;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.consumer.RecoveryListener;
import dev.lossless.kafka.testcluster.KafkaProcessCluster;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A dead-letter publish that failed after the client took it (the only broker, the
 * dead-letter partition's leader, was killed, and the client retried until its delivery
 * timeout) is published again by the error handler with the stamp of its first attempt:
 * the dead-letter topic's consumer sees no gap.
 */
class DeadLetterResendIntegrationTests {

	private static KafkaProcessCluster cluster;

	private static final IntegerSerializer integers = new IntegerSerializer();

	@BeforeAll
	static void startCluster() {
		cluster = KafkaProcessCluster.builder().brokers(1).start();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Test
	void deadLetterPublishRetriedAfterItsLeaderWentDownKeepsItsStampAndShowsNoGap() throws Exception {
		String topic = KafkaTestSupport.unique("orders");
		String deadLetterTopic = topic + "-dlt";
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		cluster.createTopic(deadLetterTopic, 1, (short) 1, Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));
		try (ConfigurableApplicationContext context = run(topic);
				KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			OrderListener listener = context.getBean(OrderListener.class);
			RecoveryListener recovery = context.getBean(RecoveryListener.class);
			send(producer, topic, -1);
			await().atMost(WAIT).until(() -> listener.deadLetters.size() == 1);

			BlockingInterceptor.block = -2;
			send(producer, topic, -2, 5);
			assertThat(BlockingInterceptor.blocking.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			// the only broker, the dead-letter partition's leader, is killed as the dead
			// letter is published: the client retries until its delivery timeout, then
			// fails it, and the error handler publishes it again later
			int broker = cluster.leaderOf(deadLetterTopic, 0);
			cluster.kill(broker);
			try {
				BlockingInterceptor.release.countDown();
				await().atMost(WAIT).until(() -> recovery.statistics().deadLetterFailures() >= 1);
			}
			finally {
				cluster.restart(broker);
			}
			await().atMost(WAIT).until(() -> listener.processed.contains(5) && listener.deadLetters.size() >= 2);
			List<ConsumerRecord<byte[], byte[]>> deadLetters = KafkaTestSupport.readAll(cluster.bootstrapServers(),
					deadLetterTopic, 2);
			assertThat(deadLetters).extracting(ConsumerRecord::value)
				.containsExactly(integers.serialize(topic, -1), integers.serialize(topic, -2));
			assertThat(deadLetters).extracting((deadLetter) -> SequenceStamp.from(deadLetter.headers()))
				.doesNotContainNull()
				.extracting(SequenceStamp::sequence)
				.containsExactly(0L, 1L);
			SequenceChecker checker = context.getBean(SequenceChecker.class);
			assertThat(checker.statistics().gaps()).isZero();
			assertThat(checker.statistics().unresolvedRecords()).isZero();
			assertThat(SequenceIntegrationTests.sequenceHealth(context).getStatus()).isEqualTo(Status.UP);
		}
	}

	private static void send(KafkaProducer<byte[], byte[]> producer, String topic, int... orders) {
		for (int order : orders) {
			producer.send(new ProducerRecord<>(topic, 0, null, integers.serialize(topic, order)));
		}
		producer.flush();
	}

	private static ConfigurableApplicationContext run(String topic) {
		List<String> properties = new ArrayList<>(List.of(
				"spring.kafka.bootstrap-servers=" + cluster.bootstrapServers(),
				"spring.kafka.consumer.group-id=" + KafkaTestSupport.unique("group"),
				"spring.kafka.consumer.value-deserializer=org.apache.kafka.common.serialization.IntegerDeserializer",
				"spring.kafka.producer.value-serializer=org.apache.kafka.common.serialization.IntegerSerializer",
				"lossless.kafka.producer.delivery-timeout=3s",
				"spring.kafka.producer.properties.request.timeout.ms=1000",
				// a publish that must first fetch the dead-letter topic's metadata from
				// the killed
				// broker fails within seconds too (the default waits 60 s, the whole
				// bound)
				"spring.kafka.producer.properties.max.block.ms=3000",
				"spring.kafka.producer.properties.interceptor.classes=" + BlockingInterceptor.class.getName(),
				"lossless.kafka.consumer.retry.attempts=2", "lossless.kafka.consumer.retry.initial-interval=100ms",
				"lossless.kafka.consumer.retry.max-interval=200ms",
				"lossless.kafka.accepted-risks=topic.replication-factor,topic.min-insync-replicas",
				"test.topic=" + topic));
		return KafkaTestSupport.run(OrdersApplication.class, properties.toArray(String[]::new));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(OrderListener.class)
	static class OrdersApplication {

	}

	static class OrderListener {

		final List<Integer> processed = new CopyOnWriteArrayList<>();

		final List<Integer> deadLetters = new CopyOnWriteArrayList<>();

		@KafkaListener(id = "orders", topics = "${test.topic}")
		void listen(Integer order) {
			if (order < 0) {
				throw new IllegalStateException("order " + order + " cannot be processed");
			}
			this.processed.add(order);
		}

		@KafkaListener(id = "deadLetters", groupId = "${test.topic}-readers", topics = "${test.topic}-dlt")
		void deadLetter(Integer order) {
			this.deadLetters.add(order);
		}

	}

	/**
	 * Holds the first send of one record to a dead-letter topic until the test releases
	 * it.
	 */
	public static class BlockingInterceptor implements ProducerInterceptor<Object, Object> {

		static volatile @Nullable Object block;

		static final CountDownLatch blocking = new CountDownLatch(1);

		static final CountDownLatch release = new CountDownLatch(1);

		@Override
		public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
			if (record.topic().endsWith("-dlt") && record.value() != null && record.value().equals(block)
					&& blocking.getCount() > 0) {
				blocking.countDown();
				try {
					release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return record;
		}

		@Override
		public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
		}

		@Override
		public void close() {
		}

		@Override
		public void configure(Map<String, ?> configs) {
		}

	}

}
