package dev.lossless.kafka.share;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.consumer.DeadLetteringShareRecoverer;
import dev.lossless.kafka.consumer.ShareAcknowledgements;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ShareKafkaListenerContainerFactory;
import org.springframework.kafka.core.ShareConsumerFactory;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * A share record's acquisition lock (3 s on this broker) and a dead-letter publish slower
 * than it, on a real broker. Renewing the lock from the starter's recoverer cannot work
 * with Kafka 4.2.1 and spring-kafka 4.1.1 (see docs/limits.md): the first two tests pin
 * the client's renewal contract that rules it out (a renewed record leaves the in-flight
 * set until a later {@code poll()} returns it again, and {@code poll()} refuses to run
 * while later records of the batch are unacknowledged, which they are while spring-kafka
 * runs a recoverer). The third pins what the starter does today: the lock expires during
 * the slow publish, the broker delivers the record again and a second dead letter is
 * written: a duplicate, never a loss.
 */
class ShareRecordLockIntegrationTests {

	private static final Duration LOCK = Duration.ofSeconds(3);

	private static EmbeddedKafkaCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = EmbeddedKafkaCluster.builder()
			.brokers(1)
			.brokerProperty("group.share.min.record.lock.duration.ms", "1000")
			.brokerProperty("group.share.record.lock.duration.ms", String.valueOf(LOCK.toMillis()))
			.start();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Test
	void renewedRecordCannotBeAcknowledgedUntilAPollReturnsItAgain() throws Exception {
		String topic = sendRecords("share-renew", "order-0");
		try (KafkaShareConsumer<byte[], byte[]> consumer = explicitConsumer(topic)) {
			ConsumerRecord<byte[], byte[]> record = pollRecords(consumer).iterator().next();
			consumer.acknowledge(record, AcknowledgeType.RENEW);
			assertThat(consumer.commitSync().values()).as("the renewal is committed")
				.isNotEmpty()
				.allMatch(Optional::isEmpty);
			// what a recoverer waiting for a slow publish would do next: renew again, or
			// accept once the publish is acknowledged
			assertThatIllegalStateException().isThrownBy(() -> consumer.acknowledge(record, AcknowledgeType.RENEW))
				.withMessage("The record cannot be acknowledged.");
			assertThatIllegalStateException().isThrownBy(() -> consumer.acknowledge(record, AcknowledgeType.ACCEPT))
				.withMessage("The record cannot be acknowledged.");

			ConsumerRecord<byte[], byte[]> renewed = pollRecords(consumer).iterator().next();
			assertThat(renewed.offset()).as("the renewed record, returned again").isEqualTo(record.offset());
			assertThat(renewed.deliveryCount()).as("a renewal is no new delivery").contains((short) 1);
			consumer.acknowledge(renewed, AcknowledgeType.ACCEPT);
			assertThat(consumer.commitSync().values()).isNotEmpty().allMatch(Optional::isEmpty);
		}
		await().atMost(WAIT).until(() -> ShareGroupsTestSupport.everyRecordAcknowledged(cluster, topic, topic));
	}

	@Test
	void pollRefusesToReturnARenewedRecordWhileLaterRecordsOfItsBatchAreUnacknowledged() throws Exception {
		String topic = sendRecords("share-renew-batch", "order-0", "order-1");
		try (KafkaShareConsumer<byte[], byte[]> consumer = explicitConsumer(topic)) {
			List<ConsumerRecord<byte[], byte[]>> batch = pollRecords(consumer);
			assertThat(batch).as("one batch, as spring-kafka hands it to the listener one record after another")
				.hasSize(2);
			// the first record failed and its recoverer renews it; the second is not
			// processed yet
			consumer.acknowledge(batch.get(0), AcknowledgeType.RENEW);
			consumer.commitSync();
			assertThatIllegalStateException().isThrownBy(() -> consumer.poll(Duration.ofMillis(100)))
				.withMessage("All records must be acknowledged in explicit acknowledgement mode.");

			consumer.acknowledge(batch.get(1), AcknowledgeType.ACCEPT);
			ConsumerRecord<byte[], byte[]> renewed = pollRecords(consumer).iterator().next();
			assertThat(renewed.offset()).isEqualTo(batch.get(0).offset());
			consumer.acknowledge(renewed, AcknowledgeType.ACCEPT);
			consumer.commitSync();
		}
		await().atMost(WAIT).until(() -> ShareGroupsTestSupport.everyRecordAcknowledged(cluster, topic, topic));
	}

	@Test
	void deadLetterPublishSlowerThanTheLockWritesADuplicateDeadLetterAndLosesNothing() throws Exception {
		String topic = sendRecords("share-slow-dlt", "poison");
		SlowDeadLetters.holdFirstPublish(topic + "-dlt");
		try (ConfigurableApplicationContext context = run(topic)) {
			await().atMost(WAIT).until(() -> ShareListener.deliveries(topic).contains(5));
			assertThat(ShareListener.deliveries(topic)).as("delivered again while its dead-letter publish ran")
				.containsExactlyInAnyOrder(1, 2, 3, 4, 5);
			SlowDeadLetters.release(topic + "-dlt");

			assertThat(KafkaTestSupport.readAll(cluster.bootstrapServers(), topic + "-dlt", 2))
				.as("a duplicate dead letter")
				.extracting((record) -> new String(record.value(), StandardCharsets.UTF_8))
				.containsExactly("poison", "poison");
			DeadLetteringShareRecoverer recoverer = context.getBean(DeadLetteringShareRecoverer.class);
			await().atMost(WAIT).until(() -> recoverer.deadLettered() == 2);
			assertThat(recoverer.archived()).as("archived without a dead letter").isZero();
			await().atMost(WAIT).until(() -> ShareGroupsTestSupport.everyRecordAcknowledged(cluster, topic, topic));
			await("the late acceptance of the expired delivery is refused").atMost(WAIT)
				.until(() -> context.getBean(ShareAcknowledgements.class).failed() >= 1);
		}
	}

	private static String sendRecords(String name, String... values) throws Exception {
		String topic = KafkaTestSupport.unique(name);
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		ShareGroupsTestSupport.configureGroup(cluster, topic, "earliest", "read_committed");
		try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			// one producer batch, so one share fetch returns every record
			for (String value : values) {
				producer.send(new ProducerRecord<>(topic, value.getBytes(StandardCharsets.UTF_8)));
			}
			producer.flush();
		}
		return topic;
	}

	private static KafkaShareConsumer<byte[], byte[]> explicitConsumer(String topic) {
		KafkaShareConsumer<byte[], byte[]> consumer = new KafkaShareConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
						ConsumerConfig.GROUP_ID_CONFIG, topic, ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG,
						"explicit"),
				new ByteArrayDeserializer(), new ByteArrayDeserializer());
		consumer.subscribe(List.of(topic));
		return consumer;
	}

	// the consumer is not thread-safe: polled on the test thread only
	private static List<ConsumerRecord<byte[], byte[]>> pollRecords(KafkaShareConsumer<byte[], byte[]> consumer) {
		List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
		await().atMost(WAIT).pollInSameThread().until(() -> {
			ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(200));
			polled.forEach(records::add);
			return !records.isEmpty();
		});
		return records;
	}

	private static ConfigurableApplicationContext run(String topic) {
		return KafkaTestSupport.run(LockApplication.class,
				"spring.kafka.bootstrap-servers=" + cluster.bootstrapServers(),
				"spring.kafka.producer.properties.interceptor.classes=" + SlowDeadLetters.class.getName(),
				"lossless.kafka.accepted-risks=topic.replication-factor,topic.min-insync-replicas",
				"test.topic=" + topic);
	}

	/**
	 * Holds the first dead-letter publish to a topic until the test releases it (at most
	 * {@link KafkaTestSupport#WAIT}): a slow publish, such as a dead-letter topic whose
	 * leader is being elected.
	 */
	public static class SlowDeadLetters implements ProducerInterceptor<Object, Object> {

		private static final Map<String, CountDownLatch> releases = new ConcurrentHashMap<>();

		private static final Map<String, CountDownLatch> held = new ConcurrentHashMap<>();

		static void holdFirstPublish(String topic) {
			CountDownLatch release = new CountDownLatch(1);
			releases.put(topic, release);
			held.put(topic, release);
		}

		static void release(String topic) {
			releases.get(topic).countDown();
		}

		@Override
		public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
			CountDownLatch latch = held.remove(record.topic());
			if (latch != null) {
				try {
					latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
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

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class LockApplication {

		@Bean
		ShareConsumerFactory<String, String> shareConsumerFactory(
				@Value("${spring.kafka.bootstrap-servers}") String bootstrapServers) {
			return ShareGroupsTestSupport.stringConsumerFactory(bootstrapServers);
		}

		@Bean
		ShareKafkaListenerContainerFactory<String, String> shares(ShareConsumerFactory<String, String> factory) {
			ShareKafkaListenerContainerFactory<String, String> containerFactory = new ShareKafkaListenerContainerFactory<>(
					factory);
			// the second consumer takes the record once its lock expires
			containerFactory.setConcurrency(2);
			return containerFactory;
		}

		@Bean
		ShareListener shareListener() {
			return new ShareListener();
		}

	}

	static class ShareListener {

		private static final Map<String, Queue<Integer>> deliveries = new ConcurrentHashMap<>();

		static List<Integer> deliveries(String topic) {
			return List.copyOf(deliveries.getOrDefault(topic, new ConcurrentLinkedQueue<>()));
		}

		@KafkaListener(id = "${test.topic}", topics = "${test.topic}", groupId = "${test.topic}",
				containerFactory = "shares")
		void listen(ConsumerRecord<String, String> record) {
			deliveries.computeIfAbsent(record.topic(), (key) -> new ConcurrentLinkedQueue<>())
				.add(record.deliveryCount().map(Short::intValue).orElse(0));
			throw new IllegalStateException(record.value() + " cannot be processed");
		}

	}

}
