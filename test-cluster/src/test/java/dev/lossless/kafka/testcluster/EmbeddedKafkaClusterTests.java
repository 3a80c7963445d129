package dev.lossless.kafka.testcluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link EmbeddedKafkaCluster}.
 *
 * @author Lossless Kafka team
 */
class EmbeddedKafkaClusterTests {

	private static final int RECORDS = 2_000;

	private static EmbeddedKafkaCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = EmbeddedKafkaCluster.builder().brokers(3).start();
	}

	@AfterAll
	static void closeCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void startsThreeBrokers() throws Exception {
		assertThat(cluster.brokerCount()).isEqualTo(3);
		assertThat(cluster.brokerIds()).containsExactly(0, 1, 2);
		assertThat(cluster.bootstrapServers().split(",")).hasSize(3);
		try (Admin admin = cluster.createAdmin()) {
			assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(3);
		}
	}

	@Test
	void losesNoRecordWhenTheLeaderStopsMidStreamAndRestarts() throws Exception {
		String topic = "leader-stop";
		cluster.createTopic(topic, 1, (short) 3, Map.of("min.insync.replicas", "2"));
		try (Admin admin = cluster.createAdmin()) {
			TopicDescription description = admin.describeTopics(List.of(topic))
				.allTopicNames()
				.get(30, TimeUnit.SECONDS)
				.get(topic);
			assertThat(description.partitions().get(0).replicas()).hasSize(3);
		}
		int leader = cluster.leaderOf(topic, 0);
		assertThat(cluster.brokerIds()).contains(leader);
		List<Future<RecordMetadata>> acks = new ArrayList<>();
		try (KafkaProducer<String, String> producer = RecordChecks.durableProducer(cluster.bootstrapServers())) {
			acks.addAll(RecordChecks.send(producer, topic, 0, 1_000));
			// Stop the leader while those records are still in flight
			cluster.stopBroker(leader);
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				int current = cluster.leaderOf(topic, 0);
				return current != -1 && current != leader;
			});
			acks.addAll(RecordChecks.send(producer, topic, 1_000, 1_500));
			cluster.startBroker(leader);
			acks.addAll(RecordChecks.send(producer, topic, 1_500, RECORDS));
			producer.flush();
		}
		for (Future<RecordMetadata> ack : acks) {
			assertThat(ack.get(60, TimeUnit.SECONDS).hasOffset()).isTrue();
		}
		List<String> values = RecordChecks.readAll(cluster.bootstrapServers(), topic, 1, RECORDS);
		RecordChecks.assertExactlyOnce(values, RECORDS);
	}

	@Test
	void startsOneBroker() throws Exception {
		try (EmbeddedKafkaCluster single = EmbeddedKafkaCluster.builder().start()) {
			assertThat(single.brokerIds()).containsExactly(0);
			single.createTopic("single", 2, (short) 1, Map.of());
			assertThat(single.leaderOf("single", 1)).isZero();
			try (KafkaProducer<String, String> producer = RecordChecks.durableProducer(single.bootstrapServers())) {
				List<Future<RecordMetadata>> acks = RecordChecks.send(producer, "single", 0, 10);
				for (Future<RecordMetadata> ack : acks) {
					ack.get(30, TimeUnit.SECONDS);
				}
			}
			RecordChecks.assertExactlyOnce(RecordChecks.readAll(single.bootstrapServers(), "single", 2, 10), 10);
			single.close();
			assertThatNoException().isThrownBy(single::close);
		}
	}

	@Test
	void closeAfterAStoppedBrokerDoesNotThrow() {
		EmbeddedKafkaCluster single = EmbeddedKafkaCluster.builder().brokerProperty("num.partitions", "2").start();
		single.stopBroker(0);
		assertThatNoException().isThrownBy(single::close);
	}

}
