package dev.lossless.kafka.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntConsumer;

import dev.lossless.kafka.chaos.ScenarioRun.CommitCheck;
import dev.lossless.kafka.chaos.ScenarioRun.Outcome;
import dev.lossless.kafka.testcluster.KafkaProcessCluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fault suite: real broker processes, the producer and consumer applications under
 * test in their own JVMs, real failures (SIGKILL, SIGTERM, SIGSTOP), and the set
 * difference between what was acknowledged and what was consumed. Each scenario adds a
 * row to {@code target/chaos-report.md} before its assertions run.
 * <p>
 * With {@code -Dchaos.mode=full} ({@code -Pchaos}) every scenario runs at full length;
 * otherwise (CI) only short variants of the hard bounce and the consumer hard kill run.
 *
 * @author Lossless Kafka team
 */
@EnabledOnOs({ OS.LINUX, OS.MAC })
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteTests {

	private static final boolean FULL = "full".equals(System.getProperty("chaos.mode"));

	private static final int RATE = FULL ? 400 : 300;

	private static final int CONTROL_ATTEMPTS = 3;

	private static final Duration IN_SYNC_TIMEOUT = Duration.ofMinutes(3);

	private static final Path BASE_DIR = Path.of("target", "chaos").toAbsolutePath();

	private static KafkaProcessCluster cluster;

	private static ChaosReport report;

	@BeforeAll
	static void startCluster() {
		report = new ChaosReport(Path.of(System.getProperty("chaos.report", "target/chaos-report.md")),
				FULL ? "full" : "short");
		// A follower that stops fetching leaves the ISR after 6 s rather than 30 s
		cluster = KafkaProcessCluster.builder().brokers(3).brokerProperty("replica.lag.time.max.ms", "6000").start();
	}

	@AfterAll
	static void closeCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@AfterEach
	void healCluster() {
		for (int id : cluster.brokerIds()) {
			if (cluster.isAlive(id)) {
				cluster.resume(id);
			}
			else {
				cluster.restart(id);
			}
		}
	}

	@Test
	@Order(1)
	void hardBounceOfTheLeaderLosesNoAcknowledgedRecord() throws Exception {
		int bounces = FULL ? 5 : 2;
		leaderBounces("1. hard bounce: SIGKILL the leader x" + bounces, "hard-bounce", bounces, cluster::kill, true);
	}

	@Test
	@Order(2)
	@EnabledIfSystemProperty(named = "chaos.mode", matches = "full")
	void cleanBounceOfTheLeaderLosesNoAcknowledgedRecord() throws Exception {
		leaderBounces("2. clean bounce: SIGTERM the leader x5", "clean-bounce", 5, cluster::terminate, false);
	}

	private void leaderBounces(String scenario, String prefix, int bounces, IntConsumer stop, boolean verify)
			throws Exception {
		try (ScenarioRun run = new ScenarioRun(scenario, cluster, BASE_DIR, prefix, 3)) {
			if (verify) {
				run.startVerifiableConsumer();
			}
			run.startConsumer();
			run.startProducer(RATE, 0);
			for (int i = 0; i < bounces; i++) {
				run.awaitSent(RATE * 2);
				int leader = awaitLeader(run.topic(), 0);
				stop.accept(leader);
				run.awaitSent(RATE);
				cluster.restart(leader);
				run.probe().awaitFullyInSync(IN_SYNC_TIMEOUT, run.topic());
				run.note("bounced " + leader);
			}
			run.awaitSent(RATE * 2);
			assertNothingLost(run.finish());
		}
	}

	@Test
	@Order(3)
	@EnabledIfSystemProperty(named = "chaos.mode", matches = "full")
	void brokerPausedPastTheIsrLagLimitLosesNoAcknowledgedRecord() throws Exception {
		try (ScenarioRun run = new ScenarioRun("3. pause a follower, then the leader, past replica.lag.time.max.ms",
				cluster, BASE_DIR, "isr-pause", 3)) {
			run.startConsumer();
			run.startProducer(RATE, 0);
			run.awaitSent(RATE * 2);
			int leader = awaitLeader(run.topic(), 0);
			int follower = replicas(run, 0).stream().filter((id) -> id != leader).findFirst().orElseThrow();
			cluster.pause(follower);
			await("follower " + follower + " to leave the ISR").atMost(Duration.ofMinutes(2))
				.pollInterval(Duration.ofMillis(500))
				.until(() -> {
					Set<Integer> isr = run.probe().inSyncReplicas(run.topic(), 0);
					return !isr.isEmpty() && !isr.contains(follower);
				});
			run.awaitSent(RATE);
			cluster.resume(follower);
			run.probe().awaitFullyInSync(IN_SYNC_TIMEOUT, run.topic());
			run.note("follower " + follower + " paused out of the ISR and back");
			run.awaitSent(RATE * 2);
			int pausedLeader = awaitLeader(run.topic(), 0);
			cluster.pause(pausedLeader);
			await("leadership to move away from paused broker " + pausedLeader).atMost(Duration.ofMinutes(2))
				.pollInterval(Duration.ofMillis(500))
				.until(() -> run.probe()
					.partitions(run.topic())
					.stream()
					.allMatch((info) -> info.leader() != null && info.leader().id() != pausedLeader));
			run.awaitSent(RATE);
			cluster.resume(pausedLeader);
			run.probe().awaitFullyInSync(IN_SYNC_TIMEOUT, run.topic());
			run.note("leader " + pausedLeader + " paused until replaced, then resumed");
			run.awaitSent(RATE * 2);
			assertNothingLost(run.finish());
		}
	}

	@Test
	@Order(4)
	@EnabledIfSystemProperty(named = "chaos.mode", matches = "full")
	void belowMinInsyncReplicasSendsWaitOrFailButAreNeverLost() throws Exception {
		int rate = 200;
		try (ScenarioRun run = new ScenarioRun("4. below min.insync.replicas: SIGKILL 2 of 3 brokers for ~25 s",
				cluster, BASE_DIR, "below-min-isr", 3)) {
			run.startConsumer();
			run.startProducer(rate, 0, "lossless.kafka.producer.delivery-timeout=20s");
			run.awaitSent(rate * 3);
			int leader = awaitLeader(run.topic(), 0);
			int other = cluster.brokerIds().stream().filter((id) -> id != leader).findFirst().orElseThrow();
			cluster.kill(leader);
			cluster.kill(other);
			// Acknowledgements of requests in flight at the kill may still arrive
			run.awaitSent(rate * 3);
			int ackedAfterKill = run.producerLog().ackedCount();
			run.awaitSent(rate * 22);
			int ackedBelowMinIsr = run.producerLog().ackedCount() - ackedAfterKill;
			run.note("brokers " + leader + " and " + other + " killed; acknowledged while one broker was up: "
					+ ackedBelowMinIsr);
			cluster.restart(leader);
			cluster.restart(other);
			run.probe().awaitFullyInSync(IN_SYNC_TIMEOUT, run.topic());
			run.awaitSent(rate * 3);
			Outcome outcome = run.finish();
			assertNothingLost(outcome);
			assertThat(ackedBelowMinIsr).as("records acknowledged with one broker of three up").isZero();
		}
	}

	@Test
	@Order(5)
	void consumerHardKilledMidBatchAndRollingBounceProcessEveryRecord() throws Exception {
		int kills = FULL ? 3 : 1;
		String scenario = "5. consumer SIGKILL mid-batch x" + kills + (FULL ? " + rolling bounce of 3 consumers" : "");
		try (ScenarioRun run = new ScenarioRun(scenario, cluster, BASE_DIR, "consumer-kill", 3)) {
			String[] slow = { "chaos.work=2ms" };
			AppProcess consumer = run.startConsumer(slow);
			run.startProducer(RATE, 0);
			List<String> violations = new ArrayList<>();
			List<Integer> processedPastCommit = new ArrayList<>();
			for (int i = 0; i < kills; i++) {
				run.awaitProcessed(RATE * 2);
				consumer.kill();
				CommitCheck check = run.checkCommittedOffsets();
				assertThat(check.committed()).as("offsets committed by group " + run.group()).isNotEmpty();
				violations.addAll(check.violations());
				processedPastCommit.add(check.processedPastCommit());
				consumer = run.startConsumer(slow);
			}
			run.note("records processed but not yet committed at each kill (mid-batch): " + processedPastCommit
					+ "; committed offsets past an unprocessed record: " + violations.size());
			if (FULL) {
				List<AppProcess> members = new ArrayList<>(
						List.of(consumer, run.startConsumer(slow), run.startConsumer(slow)));
				for (int i = 0; i < 3; i++) {
					run.awaitProcessed(RATE);
					members.remove(0).terminate();
					members.add(run.startConsumer(slow));
				}
				run.note("rolling bounce (SIGTERM) of 3 members");
			}
			run.awaitProcessed(RATE);
			Outcome outcome = run.finish();
			assertNothingLost(outcome);
			assertThat(violations).as("committed offsets that pass an unprocessed record").isEmpty();
		}
	}

	@Test
	@Order(6)
	@EnabledIfSystemProperty(named = "chaos.mode", matches = "full")
	void rebalanceStormProcessesEveryRecord() throws Exception {
		int changes = 10;
		try (ScenarioRun run = new ScenarioRun(
				"6. rebalance storm: " + changes + " joins and leaves (SIGTERM, SIGKILL)", cluster, BASE_DIR,
				"rebalance-storm", 6)) {
			List<AppProcess> members = new ArrayList<>(List.of(run.startConsumer(), run.startConsumer()));
			run.startProducer(RATE, 0);
			for (int i = 0; i < changes; i++) {
				run.awaitProcessed(RATE);
				if (i % 2 == 0) {
					members.add(run.startConsumer());
				}
				else if (i % 4 == 1) {
					members.remove(0).terminate();
				}
				else {
					members.remove(0).kill();
				}
			}
			run.awaitProcessed(RATE);
			assertNothingLost(run.finish());
		}
	}

	@Test
	@Order(7)
	@EnabledIfSystemProperty(named = "chaos.mode", matches = "full")
	void poisonPillsLandInTheDeadLetterTopicWhileItsLeaderIsKilled() throws Exception {
		int poisonEvery = 50;
		try (ScenarioRun run = new ScenarioRun("7. poison pills (1 in " + poisonEvery + "), SIGKILL the DLT leader x2",
				cluster, BASE_DIR, "poison", 3)) {
			run.startConsumer();
			run.startProducer(RATE, poisonEvery);
			for (int i = 0; i < 2; i++) {
				run.awaitSent(RATE * 2);
				int leader = awaitLeader(run.deadLetterTopic(), 0);
				cluster.kill(leader);
				run.awaitSent(RATE * 2);
				cluster.restart(leader);
				run.probe().awaitFullyInSync(IN_SYNC_TIMEOUT, run.topic(), run.deadLetterTopic());
				run.note("DLT leader " + leader + " killed and restarted");
			}
			run.awaitSent(RATE * 2);
			Outcome outcome = run.finish();
			assertNothingLost(outcome);
			Set<Long> poison = new TreeSet<>();
			Set<Long> good = new TreeSet<>();
			outcome.acked().forEach((id) -> (id % poisonEvery == poisonEvery - 1 ? poison : good).add(id));
			assertThat(poison).isNotEmpty();
			assertThat(outcome.dlt()).as("poison pills in the DLT").containsAll(poison);
			assertThat(outcome.processed()).as("good records processed").containsAll(good);
		}
	}

	@Test
	@Order(8)
	@EnabledIfSystemProperty(named = "chaos.mode", matches = "full")
	void controlRunWithPlainSpringBootAndAcksOneInTheNegativeControlFault() throws Exception {
		// A control that lost nothing means the fault did not take effect (the followers
		// caught up before the kill): repeat it, and fail if it never bites
		Outcome control = null;
		for (int attempt = 1; attempt <= CONTROL_ATTEMPTS && (control == null || control.lost().isEmpty()); attempt++) {
			control = negativeControlFault(
					"8a. control: Spring Boot defaults, acks=1, starter off (attempt " + attempt + " of "
							+ CONTROL_ATTEMPTS + ")",
					"control", "lossless.kafka.enabled=false", "spring.kafka.producer.acks=1");
		}
		Outcome starter = negativeControlFault("8b. same fault with the starter", "control-starter");
		Verdicts.assertLost(control);
		assertNothingLost(starter);
	}

	/**
	 * Pause both followers of the only partition for about 1.2 s while records flow, kill
	 * the leader, resume the followers: with acks=1 the leader acknowledged records no
	 * follower has.
	 */
	private Outcome negativeControlFault(String scenario, String prefix, String... properties) throws Exception {
		int rate = 2000;
		try (ScenarioRun run = new ScenarioRun(scenario, cluster, BASE_DIR, prefix, 1)) {
			run.startConsumer(properties);
			run.startProducer(rate, 0, properties);
			run.awaitSent(rate * 2);
			int leader = awaitLeader(run.topic(), 0);
			List<Integer> followers = replicas(run, 0).stream().filter((id) -> id != leader).toList();
			long paused = System.nanoTime();
			followers.forEach(cluster::pause);
			int sent = run.producerLog().sentCount();
			// The fault lasts 1.2 s of sends, at most 1.5 s: longer, and the followers'
			// broker sessions (3 s) expire and fence them
			await().atMost(Duration.ofSeconds(10))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> run.producerLog().sentCount() >= sent + rate * 6 / 5
						|| System.nanoTime() - paused > Duration.ofMillis(1500).toNanos());
			cluster.kill(leader);
			followers.forEach(cluster::resume);
			run.note("followers " + followers + " paused " + Duration.ofNanos(System.nanoTime() - paused).toMillis()
					+ " ms, leader " + leader + " killed");
			run.awaitSent(rate * 2);
			cluster.restart(leader);
			run.probe().awaitFullyInSync(IN_SYNC_TIMEOUT, run.topic());
			run.awaitSent(rate * 2);
			Outcome outcome = run.finish();
			report.add(outcome.row());
			return outcome;
		}
	}

	private static void assertNothingLost(Outcome outcome) {
		if (!outcome.scenario().startsWith("8")) {
			report.add(outcome.row());
		}
		Verdicts.assertNothingLost(outcome);
	}

	private static int awaitLeader(String topic, int partition) {
		int[] leader = { -1 };
		await("a leader for " + topic + "-" + partition).atMost(Duration.ofMinutes(2))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> {
				leader[0] = cluster.leaderOf(topic, partition);
				return leader[0] >= 0;
			});
		return leader[0];
	}

	private static List<Integer> replicas(ScenarioRun run, int partition) {
		return run.probe()
			.partitions(run.topic())
			.stream()
			.filter((info) -> info.partition() == partition)
			.map(TopicPartitionInfo::replicas)
			.flatMap(List::stream)
			.map(Node::id)
			.toList();
	}

}
