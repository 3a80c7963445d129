package dev.lossless.kafka.testcluster;

import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link KafkaProcessCluster}.
 *
 * @author Lossless Kafka team
 */
@EnabledOnOs({ OS.LINUX, OS.MAC })
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaProcessClusterTests {

	private static final int RECORDS = 2_000;

	private static KafkaProcessCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = KafkaProcessCluster.builder().brokers(3).start();
	}

	@AfterAll
	static void closeCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	@Order(1)
	void startsThreeBrokerProcesses() throws Exception {
		assertThat(cluster.brokerIds()).containsExactly(0, 1, 2);
		for (int id : cluster.brokerIds()) {
			assertThat(cluster.isAlive(id)).isTrue();
			assertThat(cluster.pid(id)).isNotEqualTo(ProcessHandle.current().pid());
			assertThat(cluster.baseDir().resolve("node-" + id).resolve("server.properties")).exists();
		}
		try (Admin admin = cluster.createAdmin()) {
			assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(3);
		}
	}

	@Test
	@Order(2)
	void losesNoRecordWhenTheLeaderIsKilledAndRestarted() throws Exception {
		String topic = "leader-kill";
		cluster.createTopic(topic, 1, (short) 3, Map.of("min.insync.replicas", "2"));
		int leader = cluster.leaderOf(topic, 0);
		assertThat(cluster.brokerIds()).contains(leader);
		List<Future<RecordMetadata>> acks = new ArrayList<>();
		try (KafkaProducer<String, String> producer = RecordChecks.durableProducer(cluster.bootstrapServers())) {
			acks.addAll(RecordChecks.send(producer, topic, 0, 1_000));
			cluster.kill(leader);
			assertThat(cluster.isAlive(leader)).isFalse();
			acks.addAll(RecordChecks.send(producer, topic, 1_000, 1_500));
			producer.flush();
			assertThat(cluster.leaderOf(topic, 0)).isNotEqualTo(leader).isNotEqualTo(-1);
			cluster.restart(leader);
			assertThat(cluster.isAlive(leader)).isTrue();
			acks.addAll(RecordChecks.send(producer, topic, 1_500, RECORDS));
			producer.flush();
		}
		for (Future<RecordMetadata> ack : acks) {
			assertThat(ack.get(60, TimeUnit.SECONDS).hasOffset()).isTrue();
		}
		try (Admin admin = cluster.createAdmin()) {
			await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
				TopicDescription description = admin.describeTopics(List.of(topic))
					.allTopicNames()
					.get(10, TimeUnit.SECONDS)
					.get(topic);
				return description.partitions().get(0).isr().size() == 3;
			});
		}
		List<String> values = RecordChecks.readAll(cluster.bootstrapServers(), topic, 1, RECORDS);
		RecordChecks.assertExactlyOnce(values, RECORDS);
	}

	@Test
	@Order(3)
	void pausesAndResumesABroker() throws Exception {
		int node = 1;
		cluster.pause(node);
		try {
			assertThat(processState(cluster.pid(node))).isEqualTo('T');
			assertThat(cluster.isAlive(node)).isTrue();
		}
		finally {
			cluster.resume(node);
		}
		assertThat(processState(cluster.pid(node))).isNotEqualTo('T');
	}

	@Test
	@Order(4)
	void terminatesAndRestartsABroker() {
		cluster.terminate(2);
		assertThat(cluster.isAlive(2)).isFalse();
		cluster.restart(2);
		assertThat(cluster.isAlive(2)).isTrue();
	}

	@Test
	@Order(5)
	void closeLeavesNoProcessRunning() {
		List<Long> pids = cluster.brokerIds().stream().map(cluster::pid).toList();
		Path baseDir = cluster.baseDir();
		cluster.close();
		for (long pid : pids) {
			assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("process %d", pid).isEmpty();
		}
		assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive)).isEmpty();
		assertThat(baseDir).doesNotExist();
		assertThatNoException().isThrownBy(cluster::close);
	}

	private static char processState(long pid) throws Exception {
		Path stat = Path.of("/proc", Long.toString(pid), "stat");
		if (!Files.exists(stat)) {
			// Not Linux: ask ps
			Process ps = new ProcessBuilder("ps", "-o", "state=", "-p", Long.toString(pid)).start();
			assertThat(ps.waitFor(10, TimeUnit.SECONDS)).isTrue();
			return new String(ps.getInputStream().readAllBytes()).trim().charAt(0);
		}
		String content = Files.readString(stat);
		// pid (comm) state ...: the command may contain spaces, the state follows the
		// last ')'
		return content.substring(content.lastIndexOf(')') + 2).charAt(0);
	}

}
