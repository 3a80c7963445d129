package dev.lossless.kafka.consumer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.SharedKafkaCluster;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
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

	/**
	 * Enough for every member change to happen while records flow; each record trickles
	 * (one acknowledged send at a time) until the last change, and costs the broker, the
	 * producer and a member about 3 ms of CPU here.
	 */
	private static final int RECORDS = 2000;

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

	@Test
	void recordsWrittenBeforeTheGroupJoinedAndToPartitionsAddedLaterAreProcessed() throws Exception {
		processed.clear();
		String topic = KafkaTestSupport.unique("payments");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		IntegerSerializer integers = new IntegerSerializer();
		try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers());
				Admin admin = cluster.createAdmin()) {
			// before the group has a committed offset: auto.offset.reset=latest skips it
			producer.send(new ProducerRecord<>(topic, 0, null, integers.serialize(topic, 0))).get();
			// new partitions seen within 3 s, not 5 min
			String[] properties = applicationProperties(topic,
					"spring.kafka.consumer.properties.metadata.max.age.ms=3000");
			try (ConfigurableApplicationContext application = KafkaTestSupport.run(ContainerAckApplication.class,
					properties)) {
				await().atMost(WAIT).until(() -> processed.containsKey(0));
				admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(3))).all().get();
				// written before the group is assigned the new partitions (KAFKA-12478)
				Set<Integer> sent = new HashSet<>(Set.of(0));
				List<Future<RecordMetadata>> sends = new ArrayList<>();
				for (int i = 1; i <= 20; i++) {
					byte[] value = integers.serialize(topic, i);
					sends.add(producer.send(new ProducerRecord<>(topic, 1 + i % 2, null, value)));
					sent.add(i);
				}
				for (Future<RecordMetadata> send : sends) {
					send.get();
				}
				await().atMost(WAIT).until(() -> processed.keySet().containsAll(sent));
				assertThat(processed.keySet()).containsExactlyInAnyOrderElementsOf(sent);
			}
		}
	}

	private void assertNothingLostAcrossRebalances(Class<?> application, String... extraProperties) throws Exception {
		processed.clear();
		String topic = KafkaTestSupport.unique("payments");
		cluster.createTopic(topic, 4, (short) 1, Map.of());
		// members learn of a rebalance from a heartbeat, every 3 s by default: the
		// member changes, half as many records apart as with 4,000, still complete
		// before the next
		List<String> properties = new ArrayList<>(
				List.of("spring.kafka.consumer.max-poll-records=50", "spring.kafka.consumer.heartbeat-interval=500ms"));
		properties.addAll(List.of(extraProperties));
		String[] args = applicationProperties(topic, properties.toArray(String[]::new));
		Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
		AtomicBoolean membersSettled = new AtomicBoolean();
		Thread producerThread = new Thread(() -> produce(topic, acknowledged, membersSettled), "test-producer");
		ConfigurableApplicationContext first = KafkaTestSupport.run(application, args);
		producerThread.start();
		ConfigurableApplicationContext second = null;
		ConfigurableApplicationContext third = null;
		try {
			awaitProcessed(RECORDS / 8);
			second = KafkaTestSupport.run(application, args);
			awaitAssigned(second);
			awaitProcessed(RECORDS / 3);
			first.close();
			third = KafkaTestSupport.run(application, args);
			// the third member takes partitions over before the second leaves, as it
			// did while 4,000 records came between the member changes
			awaitAssigned(third);
			awaitProcessed(RECORDS / 2);
			second.close();
			// the records still trickle while the third member takes the second's
			// partitions over
			awaitProcessed(RECORDS * 5 / 8);
			membersSettled.set(true);
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

	private static String[] applicationProperties(String topic, String... extraProperties) {
		List<String> properties = new ArrayList<>(List.of(
				"spring.kafka.bootstrap-servers=" + cluster.bootstrapServers(),
				"spring.kafka.consumer.group-id=" + KafkaTestSupport.unique("group"),
				"spring.kafka.consumer.value-deserializer=org.apache.kafka.common.serialization.IntegerDeserializer",
				"lossless.kafka.accepted-risks=topic.replication-factor,topic.min-insync-replicas",
				"test.topic=" + topic));
		properties.addAll(List.of(extraProperties));
		return properties.toArray(String[]::new);
	}

	private static void awaitAssigned(ConfigurableApplicationContext member) {
		MessageListenerContainer container = member.getBean(KafkaListenerEndpointRegistry.class)
			.getListenerContainer("payments");
		await().atMost(WAIT).until(() -> {
			Collection<TopicPartition> assigned = container.getAssignedPartitions();
			return assigned != null && !assigned.isEmpty();
		});
	}

	private static void awaitProcessed(int count) {
		await().atMost(WAIT).until(() -> processed.size() >= count);
	}

	/**
	 * Send the records one at a time, each acknowledged before the next, so that they
	 * trickle in while members join and leave; once the last member change is over (the
	 * third member processes beyond it), send the rest without waiting for each
	 * acknowledgement: they only need to be there.
	 */
	private static void produce(String topic, Set<Integer> acknowledged, AtomicBoolean membersSettled) {
		IntegerSerializer integers = new IntegerSerializer();
		try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			for (int i = 0; i < RECORDS; i++) {
				int payment = i;
				byte[] value = integers.serialize(topic, payment);
				Future<RecordMetadata> sent = producer.send(new ProducerRecord<>(topic, value, value),
						(metadata, exception) -> {
							if (exception == null) {
								acknowledged.add(payment);
							}
						});
				if (!membersSettled.get()) {
					sent.get();
				}
			}
			producer.flush();
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
