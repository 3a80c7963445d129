package dev.lossless.kafka.consumer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.SharedKafkaCluster;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
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
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.handler.annotation.Header;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Records deleted before the group read them, on a real broker: found when the partition
 * is assigned after a restart, and when a paused consumer is overtaken by
 * {@code DeleteRecords} and reset while running; reported until acknowledged, although
 * the group moves on.
 */
class LostOffsetsIntegrationTests {

	private static EmbeddedKafkaCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = SharedKafkaCluster.get();
	}

	@Test
	void recordsDeletedWhileTheApplicationWasDownAreReportedAfterTheRestart() throws Exception {
		String topic = KafkaTestSupport.unique("orders");
		String group = KafkaTestSupport.unique("group");
		Set<Long> processed = consumeTwentyThenDeleteThirtyUnreadWhileDown(topic, group);
		try (ConfigurableApplicationContext restarted = run(topic, group)) {
			await().atMost(WAIT).until(() -> committed(group, topic) == 70L);
			assertThat(processed).hasSize(40);
			awaitSnapshotOfCommitted(restarted, 70);
			Health health = lagHealth(restarted);
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails().get("reason").toString()).startsWith("30 offset(s)");
			assertThat(health.getDetails().get("losses").toString())
				.contains("group " + group + ", " + topic + "-0: offsets 20 to 49 (30 offset(s))");
		}
	}

	@Test
	void theConsumerAloneFindsOnAssignmentACommittedOffsetBelowTheLogStart() throws Exception {
		String topic = KafkaTestSupport.unique("orders");
		String group = KafkaTestSupport.unique("group");
		consumeTwentyThenDeleteThirtyUnreadWhileDown(topic, group);
		try (ConfigurableApplicationContext restarted = run(topic, group,
				"lossless.kafka.consumer.lag.enabled=false")) {
			await().atMost(WAIT).until(() -> committed(group, topic) == 70L);
			assertThat(restarted.getBeanNamesForType(ConsumerOffsetsMonitor.class)).isEmpty();
			assertThat(restarted.getBean(LostOffsets.class).unacknowledged()).singleElement()
				.satisfies((range) -> assertThat(range.describe())
					.startsWith("group " + group + ", " + topic + "-0: offsets 20 to 49 (30 offset(s))"));
		}
	}

	@Test
	void aPausedConsumerOvertakenByDeleteRecordsReportsExactlyTheDeletedUnreadRange() throws Exception {
		String topic = KafkaTestSupport.unique("orders");
		String group = KafkaTestSupport.unique("group");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		Set<Long> processed = OffsetListener.processed(topic);
		produce(topic, 0, 20);
		// the monitor reads the offsets once, at startup: the consumer itself sees the
		// loss; fetches return at once, so that none sent before the pause brings back
		// the records written during it
		try (ConfigurableApplicationContext context = run(topic, group, "lossless.kafka.consumer.lag.interval=1h",
				"spring.kafka.consumer.fetch-max-wait=1ms")) {
			await().atMost(WAIT).until(() -> processed.size() == 20);
			MessageListenerContainer container = context.getBean(KafkaListenerEndpointRegistry.class)
				.getListenerContainer("offsets");
			container.pause();
			await().atMost(WAIT).until(container::isContainerPaused);
			await().atMost(WAIT).until(() -> committed(group, topic) == 20L);
			produce(topic, 20, 70);
			deleteRecordsBefore(topic, 50);
			container.resume();
			await().atMost(WAIT).until(() -> committed(group, topic) == 70L);
			List<Long> unread = new ArrayList<>();
			for (long offset = 0; offset < 50; offset++) {
				if (!processed.contains(offset)) {
					unread.add(offset);
				}
			}
			assertThat(unread).hasSize(30).startsWith(20L).endsWith(49L);
			assertThat(context.getBean(LostOffsets.class).unacknowledged()).singleElement().satisfies((range) -> {
				assertThat(range.group()).isEqualTo(group);
				assertThat(range.from()).isEqualTo(20);
				assertThat(range.to()).isEqualTo(50);
			});
			Health health = lagHealth(context);
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails().get("losses").toString())
				.contains("group " + group + ", " + topic + "-0: offsets 20 to 49 (30 offset(s))");
		}
	}

	/**
	 * The scenario: a group consumed 20 records and stopped; 50 more were written
	 * and the first 30 of them deleted before the group read them.
	 */
	private static Set<Long> consumeTwentyThenDeleteThirtyUnreadWhileDown(String topic, String group) throws Exception {
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		Set<Long> processed = OffsetListener.processed(topic);
		produce(topic, 0, 20);
		try (ConfigurableApplicationContext first = run(topic, group)) {
			await().atMost(WAIT).until(() -> processed.size() == 20);
			await().atMost(WAIT).until(() -> committed(group, topic) == 20L);
		}
		produce(topic, 20, 70);
		deleteRecordsBefore(topic, 50);
		return processed;
	}

	private static void produce(String topic, int from, int to) {
		try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			for (int i = from; i < to; i++) {
				producer.send(new ProducerRecord<>(topic, 0, null, String.valueOf(i).getBytes()));
			}
			producer.flush();
		}
	}

	private static void deleteRecordsBefore(String topic, long offset) throws Exception {
		try (Admin admin = cluster.createAdmin()) {
			admin.deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(offset)))
				.all()
				.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	private static long committed(String group, String topic) throws Exception {
		try (Admin admin = cluster.createAdmin()) {
			OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group)
				.partitionsToOffsetAndMetadata()
				.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)
				.get(new TopicPartition(topic, 0));
			return (committed != null) ? committed.offset() : -1;
		}
	}

	private static void awaitSnapshotOfCommitted(ConfigurableApplicationContext context, long committed) {
		await().atMost(WAIT)
			.until(() -> String.valueOf(lagHealth(context).getDetails().get("groups"))
				.contains("committed=" + committed + ","));
	}

	static Health lagHealth(ConfigurableApplicationContext context) {
		CompositeHealthContributor reliability = context.getBean("kafkaReliabilityHealthContributor",
				CompositeHealthContributor.class);
		return ((HealthIndicator) reliability.getContributor("lag")).health();
	}

	private static ConfigurableApplicationContext run(String topic, String group, String... extraProperties) {
		List<String> properties = new ArrayList<>(
				List.of("spring.kafka.bootstrap-servers=" + cluster.bootstrapServers(),
						"spring.kafka.consumer.group-id=" + group, "lossless.kafka.consumer.lag.interval=200ms",
						"lossless.kafka.accepted-risks=topic.replication-factor,topic.min-insync-replicas",
						"test.topic=" + topic));
		properties.addAll(List.of(extraProperties));
		return KafkaTestSupport.run(OffsetsApplication.class, properties.toArray(String[]::new));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(OffsetListener.class)
	static class OffsetsApplication {

	}

	static class OffsetListener {

		static final Map<String, Set<Long>> processed = new ConcurrentHashMap<>();

		static Set<Long> processed(String topic) {
			return processed.computeIfAbsent(topic, (key) -> ConcurrentHashMap.newKeySet());
		}

		@KafkaListener(id = "offsets", idIsGroup = false, topics = "${test.topic}")
		void listen(String value, @Header(KafkaHeaders.RECEIVED_TOPIC) String topic,
				@Header(KafkaHeaders.OFFSET) long offset) {
			processed(topic).add(offset);
		}

	}

}
