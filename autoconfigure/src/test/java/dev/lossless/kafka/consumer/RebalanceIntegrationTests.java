package dev.lossless.kafka.consumer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.SharedKafkaCluster;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.Acknowledgment;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Consumer group members joining, leaving and restarting while records flow: every
 * acknowledged record is processed at least once, with container acknowledgements and
 * with manual ones.
 */
class RebalanceIntegrationTests {

	private static final int RECORDS = 4000;

	private static final Map<Integer, AtomicInteger> processed = new ConcurrentHashMap<>();

	private static EmbeddedKafkaCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = SharedKafkaCluster.get();
	}

	@Test
	void membersJoiningLeavingAndRestartingMidStreamLoseNothingWithContainerAcks() throws Exception {
		assertNothingLostAcrossRebalances(ContainerAckApplication.class);
	}

	@Test
	void membersJoiningLeavingAndRestartingMidStreamLoseNothingWithManualAcks() throws Exception {
		assertNothingLostAcrossRebalances(ManualAckApplication.class, "spring.kafka.listener.ack-mode=manual");
	}

	private void assertNothingLostAcrossRebalances(Class<?> application, String... extraProperties) throws Exception {
		processed.clear();
		String topic = KafkaTestSupport.unique("payments");
		cluster.createTopic(topic, 4, (short) 1, Map.of());
		List<String> properties = new ArrayList<>(List.of(
				"spring.kafka.bootstrap-servers=" + cluster.bootstrapServers(),
				"spring.kafka.consumer.group-id=" + KafkaTestSupport.unique("group"),
				"spring.kafka.consumer.max-poll-records=50",
				"spring.kafka.consumer.value-deserializer=org.apache.kafka.common.serialization.IntegerDeserializer",
				"lossless.kafka.accepted-risks=topic.replication-factor,topic.min-insync-replicas",
				"test.topic=" + topic));
		properties.addAll(List.of(extraProperties));
		String[] args = properties.toArray(String[]::new);
		Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
		Thread producerThread = new Thread(() -> produce(topic, acknowledged), "test-producer");
		ConfigurableApplicationContext first = KafkaTestSupport.run(application, args);
		producerThread.start();
		ConfigurableApplicationContext second = null;
		ConfigurableApplicationContext third = null;
		try {
			awaitProcessed(RECORDS / 8);
			second = KafkaTestSupport.run(application, args);
			awaitProcessed(RECORDS / 3);
			first.close();
			third = KafkaTestSupport.run(application, args);
			awaitProcessed(RECORDS / 2);
			second.close();
			producerThread.join(WAIT.toMillis());
			assertThat(acknowledged).hasSize(RECORDS);
			await().atMost(WAIT).until(() -> processed.keySet().containsAll(acknowledged));
			assertThat(processed.keySet()).containsAll(acknowledged);
			assertThat(third.getBean(RebalanceListener.class).revocations()).isPositive();
		}
		finally {
			first.close();
			if (second != null) {
				second.close();
			}
			if (third != null) {
				third.close();
			}
		}
	}

	private static void awaitProcessed(int count) {
		await().atMost(WAIT).until(() -> processed.size() >= count);
	}

	private static void produce(String topic, Set<Integer> acknowledged) {
		IntegerSerializer integers = new IntegerSerializer();
		try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			for (int i = 0; i < RECORDS; i++) {
				byte[] value = integers.serialize(topic, i);
				producer.send(new ProducerRecord<>(topic, value, value)).get();
				acknowledged.add(i);
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(ContainerAckListener.class)
	static class ContainerAckApplication {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(ManualAckListener.class)
	static class ManualAckApplication {

	}

	static class ContainerAckListener {

		@KafkaListener(id = "payments", idIsGroup = false, topics = "${test.topic}")
		void listen(Integer payment) {
			processed.computeIfAbsent(payment, (key) -> new AtomicInteger()).incrementAndGet();
		}

	}

	static class ManualAckListener {

		@KafkaListener(id = "payments", idIsGroup = false, topics = "${test.topic}")
		void listen(Integer payment, Acknowledgment acknowledgment) {
			processed.computeIfAbsent(payment, (key) -> new AtomicInteger()).incrementAndGet();
			acknowledgment.acknowledge();
		}

	}

}
