package dev.lossless.kafka.chaos;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.lossless.kafka.chaos.ConsumerLogs.StarterVerdict;
import dev.lossless.kafka.testcluster.KafkaProcessCluster;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The nemesis: three brokers and every client application in network namespaces of their
 * own, faults drawn from a seeded random schedule ({@link Nemesis}) for
 * {@code nemesis.duration} (2 minutes in CI, 30 with {@code -Pnemesis}), and a checker
 * independent of the starter: {@code lost = acked - (processed ∪ DLT)} over two producer
 * applications (keyed, unkeyed with poison pills) and a group of three consumer
 * applications, failed sends delivered later from the send journal, duplicates counted,
 * and the starter's own counters beside the checker's. A negative control (Spring Boot
 * defaults, {@code acks=1}, starter off) writes to a topic of its own through the same
 * faults and must lose. Replay a run with {@code -Dnemesis.seed=<seed>}; the report goes
 * to {@code nemesis.report}.
 *
 * @author Lossless Kafka team
 */
@EnabledOnOs(OS.LINUX)
class NemesisTests {

	private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(3);

	private static final int RATE = 100;

	private static final int CONTROL_RATE = 300;

	private static final int POISON_EVERY = 97;

	private static final Duration LEADER_CUT_HOLD = Duration.ofSeconds(10);

	/**
	 * Whether to run the exactly-once pipeline: on unless
	 * {@code -Dnemesis.exactly-once=false}.
	 */
	private static final boolean EXACTLY_ONCE = Boolean
		.parseBoolean(System.getProperty("nemesis.exactly-once", "true"));

	@Test
	void randomFaultsLoseNoAcknowledgedRecordWhileTheNegativeControlLoses() throws Exception {
		assumeTrue(NamespaceNetwork.isSupported(), "network namespaces need Linux, root, ip and tc (iproute2)");
		String seedProperty = System.getProperty("nemesis.seed", "").trim();
		long seed = seedProperty.isEmpty() ? new SecureRandom().nextLong() : Long.parseLong(seedProperty);
		Duration duration = Duration.parse(System.getProperty("nemesis.duration", "PT2M"));
		Path report = Path.of(System.getProperty("nemesis.report", "target/nemesis-report.md"));
		System.out.println("Nemesis seed " + seed + " (replay with -Dnemesis.seed=" + seed + "), duration " + duration);
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		Path dir = Path.of("target", "nemesis", suffix).toAbsolutePath();
		String topic = "nemesis-" + suffix;
		String controlTopic = "nemesis-control-" + suffix;
		NemesisReport nemesisReport = new NemesisReport(report, seed, duration);
		try (NamespaceNetwork network = NamespaceNetwork.create()) {
			for (int id = 0; id < 3; id++) {
				network.addHost("b" + id);
			}
			KafkaProcessCluster cluster = KafkaProcessCluster.builder()
				.brokers(3)
				.network(network)
				.baseDir(dir.resolve("cluster"))
				.brokerProperty("replica.lag.time.max.ms", "6000")
				.start();
			try (cluster;
					NemesisFleet fleet = new NemesisFleet(cluster, network, dir, topic, "nemesis-group-" + suffix);
					NemesisFleet pipeline = new NemesisFleet(cluster, network, dir.resolve("pipeline"), topic,
							"nemesis-pipeline-group-" + suffix);
					NemesisFleet control = new NemesisFleet(cluster, network, dir.resolve("control"), controlTopic,
							"nemesis-control-group-" + suffix)) {
				nemesisReport.note("network " + (network.hasNetem() ? "with" : "without") + " tc netem");
				cluster.createTopic(topic, 3, (short) 3, Map.of("min.insync.replicas", "2"));
				cluster.createTopic(controlTopic, 1, (short) 3, Map.of("min.insync.replicas", "2"));
				cluster.createTopic(topic + "-eos", 3, (short) 3, Map.of("min.insync.replicas", "2"));
				String[] starter = { "chaos.rate=" + RATE, "chaos.journal-drain-timeout=2m",
						"lossless.kafka.producer.delivery-timeout=20s" };
				fleet.addProducer("p0", concat(starter, "chaos.poison-every=" + POISON_EVERY, "chaos.keyed=true"));
				fleet.addProducer("p1", concat(starter, "chaos.poison-every=0", "chaos.keyed=false"));
				for (int i = 0; i < 3; i++) {
					fleet.addConsumer("c" + i);
				}
				if (EXACTLY_ONCE) {
					pipeline.addConsumer("e0", ChaosPipelineApplication.class,
							"lossless.kafka.exactly-once.enabled=true", "chaos.output=" + topic + "-eos");
				}
				control.addProducer("x0", "chaos.rate=" + CONTROL_RATE, "chaos.poison-every=0",
						"lossless.kafka.enabled=false", "spring.kafka.producer.acks=1");
				fleet.awaitStarted();
				pipeline.awaitStarted();
				control.awaitStarted();
				ClusterProbe probe = new ClusterProbe(cluster);
				Nemesis nemesis = new Nemesis(seed, cluster, network, fleet, () -> cluster.leaderOf(controlTopic, 0));
				long start = System.nanoTime();
				long end = start + duration.toNanos();
				while (System.nanoTime() < end) {
					Duration rest = nemesis.nextRest();
					await().pollDelay(rest).atMost(rest.plusSeconds(1)).until(() -> true);
					// The fault that must make the control lose, at the latest halfway
					boolean forceLeaderCut = System.nanoTime() - start > duration.toNanos() / 2;
					long faultStart = System.currentTimeMillis();
					String fault = nemesis.strike(forceLeaderCut);
					hold(nemesis, fleet, pipeline, nemesisReport, faultStart, fault);
				}
				// A control that lost nothing means the faults did not bite: repeat the
				// one
				// that surely does
				for (int i = 0; i < 2 && controlLost(control, probe, controlTopic) == 0; i++) {
					nemesisReport.note("the control had lost nothing after the schedule: leader cut repeated");
					long faultStart = System.currentTimeMillis();
					hold(nemesis, fleet, pipeline, nemesisReport, faultStart, nemesis.strikeLeaderCut());
				}
				nemesis.heal();
				fleet.ensureRunning();
				pipeline.ensureRunning();
				fleet.awaitStarted();
				awaitInSync(probe, nemesisReport, topic, controlTopic);
				Map<String, Integer> status = fleet.stopProducers();
				Map<String, Integer> controlStatus = control.stopProducers();
				Check check = check(fleet, probe, topic, nemesisReport, status);
				Check controlCheck = checkControl(control, probe, controlTopic);
				Pipeline eos = EXACTLY_ONCE ? checkPipeline(probe, pipeline, topic, check, nemesisReport) : null;
				nemesisReport.write(check, controlCheck, eos);
				assertThat(check.acked()).as("records the starter's producers saw acknowledged")
					.hasSizeGreaterThanOrEqualTo(Verdicts.MINIMUM_ACKED);
				assertThat(check.unresolved()).as("sends with no outcome (producers not killed)").isEmpty();
				assertThat(status.values()).as("producer exit status").containsOnly(0);
				assertThat(check.lost()).as("acked - (processed ∪ DLT) with the starter").isEmpty();
				assertThat(check.failedUndelivered()).as("failed sends never delivered from the journal").isEmpty();
				assertThat(check.journalBacklog()).as("send journal entries left").isZero();
				// The starter's own verdict agrees with the checker's
				StarterVerdict verdict = check.verdict();
				assertThat(verdict).isNotNull();
				assertThat(verdict.missingEverywhere())
					.as("records the starter's sequence check misses that no consumer processed (checker: none lost)")
					.isEmpty();
				assertThat(verdict.unlisted()).as("records the sequence check misses in ranges it does not list")
					.isZero();
				assertThat(verdict.lostOffsets()).as("offsets the starter's lost-offsets detection reports").isZero();
				if (eos != null) {
					assertThat(eos.missing()).as("acknowledged inputs missing from the exactly-once output").isEmpty();
					assertThat(eos.duplicates())
						.as("inputs more than once in the exactly-once output (read_committed), beyond their copies in the input")
						.isZero();
				}
				assertThat(controlCheck.acked()).as("records the negative control saw acknowledged")
					.hasSizeGreaterThanOrEqualTo(Verdicts.MINIMUM_ACKED);
				assertThat(controlCheck.lost())
					.as("acked - in the topic for the negative control (none: the faults did not bite)")
					.isNotEmpty();
			}
		}
	}

	private static void hold(Nemesis nemesis, NemesisFleet fleet, NemesisFleet pipeline, NemesisReport report,
			long faultStart, String fault) {
		System.out.println("Nemesis: " + fault);
		Duration hold = nemesis.nextHold();
		if (nemesis.leaderCutInForce() && hold.compareTo(LEADER_CUT_HOLD) < 0) {
			hold = LEADER_CUT_HOLD;
		}
		await().pollDelay(hold).atMost(hold.plusSeconds(1)).until(() -> true);
		nemesis.heal();
		fleet.ensureRunning();
		// an orchestrator restarts a pipeline that ended itself (its container stopped)
		pipeline.ensureRunning();
		report.window(faultStart, System.currentTimeMillis(), fault);
	}

	/**
	 * Count the records the control saw acknowledged so far that its topic does not hold.
	 */
	private static int controlLost(NemesisFleet control, ClusterProbe probe, String topic) {
		Set<Long> acked = new HashSet<>();
		control.producerLogs().forEach((log) -> acked.addAll(log.acked()));
		acked.removeAll(ids(probe, topic));
		return acked.size();
	}

	private static void awaitInSync(ClusterProbe probe, NemesisReport report, String... topics) {
		try {
			probe.awaitFullyInSync(SETTLE_TIMEOUT, topics);
		}
		catch (ConditionTimeoutException ex) {
			report.note("replicas not all in sync " + SETTLE_TIMEOUT.toSeconds() + " s after the last fault");
		}
	}

	private static Check check(NemesisFleet fleet, ClusterProbe probe, String topic, NemesisReport report,
			Map<String, Integer> status) {
		Set<Long> sent = new HashSet<>();
		Set<Long> acked = new HashSet<>();
		Set<Long> failed = new HashSet<>();
		Set<Long> unresolved = new TreeSet<>();
		Map<Long, Long> sentAt = new HashMap<>();
		long journalBacklog = 0;
		long journalReplayed = 0;
		for (ProducerLog log : fleet.producerLogs()) {
			sent.addAll(log.sent());
			acked.addAll(log.acked());
			failed.addAll(log.failed());
			sentAt.putAll(log.sentAt());
			if (!fleet.wasKilled(log)) {
				Set<Long> open = new TreeSet<>(log.sent());
				open.removeAll(log.acked());
				open.removeAll(log.failed());
				unresolved.addAll(open);
				journalBacklog += log.journal()[0];
			}
			journalReplayed += log.journal()[1];
		}
		Set<Long> inLog = ids(probe, topic);
		Set<Long> consumable = new HashSet<>(acked);
		consumable.retainAll(inLog);
		Set<Long> consumed = new HashSet<>();
		try {
			await("the consumers to process every acknowledged record in the topic").atMost(SETTLE_TIMEOUT)
				.pollInterval(Duration.ofSeconds(2))
				.until(() -> {
					consumed.clear();
					consumed.addAll(fleet.consumerLogs().processed());
					consumed.addAll(ids(probe, topic + "-dlt"));
					return consumed.containsAll(consumable) && consumed.containsAll(acked);
				});
		}
		catch (ConditionTimeoutException ex) {
			report.note("consumers did not catch up within " + SETTLE_TIMEOUT.toSeconds() + " s");
		}
		Set<Long> dlt = ids(probe, topic + "-dlt");
		Set<Long> lost = new TreeSet<>(acked);
		lost.removeAll(consumed);
		Set<Long> failedUndelivered = new TreeSet<>(failed);
		failedUndelivered.removeAll(inLog);
		failedUndelivered.removeAll(consumed);
		long[] sequence = fleet.consumerLogs().sequenceStatistics();
		// the last state the running applications reported, at least a second old
		await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
		StarterVerdict verdict = fleet.consumerLogs().starterVerdict(fleet.liveConsumerLogs());
		return new Check(sent, acked, failed, unresolved, consumed, dlt, lost, failedUndelivered, inLog,
				fleet.consumerLogs().duplicates(), sentAt, journalBacklog, journalReplayed, sequence, verdict, status);
	}

	private static Check checkControl(NemesisFleet control, ClusterProbe probe, String topic) {
		Set<Long> sent = new HashSet<>();
		Set<Long> acked = new HashSet<>();
		Set<Long> failed = new HashSet<>();
		Map<Long, Long> sentAt = new HashMap<>();
		for (ProducerLog log : control.producerLogs()) {
			sent.addAll(log.sent());
			acked.addAll(log.acked());
			failed.addAll(log.failed());
			sentAt.putAll(log.sentAt());
		}
		Set<Long> inLog = ids(probe, topic);
		Set<Long> lost = new TreeSet<>(acked);
		lost.removeAll(inLog);
		return new Check(sent, acked, failed, Set.of(), inLog, Set.of(), lost, Set.of(), inLog, 0, sentAt, 0, 0, null,
				null, Map.of());
	}

	/**
	 * Check the exactly-once output, read with {@code read_committed}: every acknowledged
	 * input that is not a poison pill, once.
	 */
	private static Pipeline checkPipeline(ClusterProbe probe, NemesisFleet pipeline, String topic, Check check,
			NemesisReport report) {
		Set<Long> poison = new HashSet<>();
		// an id twice in the input (a send that timed out was written, and replayed from
		// the journal) is two input records: its output is expected twice
		Map<Long, Integer> inputCopies = new HashMap<>();
		probe.readAll(topic, SETTLE_TIMEOUT).forEach((record) -> {
			if (SteadySender.isPoison(record.value())) {
				poison.add(SteadySender.idOf(record.value()));
			}
			inputCopies.merge(SteadySender.idOf(record.value()), 1, Integer::sum);
		});
		Set<Long> expected = new HashSet<>(check.acked());
		expected.removeAll(poison);
		Map<Long, Integer> copies = new HashMap<>();
		try {
			// in the same thread: a read in progress when the bound passes does not
			// change
			// the copies under the verdict; each read is bounded by SETTLE_TIMEOUT itself
			await("the exactly-once pipeline to transform every acknowledged input").atMost(SETTLE_TIMEOUT)
				.pollInSameThread()
				.pollInterval(Duration.ofSeconds(2))
				.until(() -> {
					pipeline.ensureRunning();
					List<ConsumerRecord<String, String>> output;
					try {
						output = probe.readAll(topic + "-eos", SETTLE_TIMEOUT);
					}
					catch (ConditionTimeoutException ex) {
						// the last full read stands; a read that cannot finish is no
						// output
						return false;
					}
					copies.clear();
					output.forEach((record) -> copies.merge(SteadySender.idOf(record.value()), 1, Integer::sum));
					return copies.keySet().containsAll(expected);
				});
		}
		catch (ConditionTimeoutException ex) {
			report.note("the exactly-once pipeline did not catch up within " + SETTLE_TIMEOUT.toSeconds()
					+ " s; its output partitions (last stable offset / end offset): "
					+ probe.stableOffsets(topic + "-eos"));
		}
		List<String> restarts = pipeline.restarts();
		report.note("the exactly-once pipeline ended itself and was restarted " + restarts.size() + " time(s)"
				+ (restarts.isEmpty() ? "" : ": " + restarts));
		Set<Long> missing = new TreeSet<>(expected);
		missing.removeAll(copies.keySet());
		long duplicates = copies.entrySet()
			.stream()
			.mapToLong((entry) -> Math.max(0, entry.getValue() - inputCopies.getOrDefault(entry.getKey(), 1)))
			.sum();
		return new Pipeline(expected.size(), copies.size(), missing, duplicates);
	}

	private static Set<Long> ids(ClusterProbe probe, String topic) {
		return probe.readAll(topic, SETTLE_TIMEOUT)
			.stream()
			.map((record) -> SteadySender.idOf(record.value()))
			.collect(Collectors.toSet());
	}

	private static String[] concat(String[] first, String... more) {
		List<String> all = new ArrayList<>(List.of(first));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	/**
	 * What the checker found in the exactly-once output.
	 *
	 * @param expected the acknowledged inputs that are not poison pills
	 * @param distinct the distinct ids in the output
	 * @param missing the expected ids not in the output
	 * @param duplicates copies in the output beyond the input's copies of the id
	 */
	record Pipeline(int expected, int distinct, Set<Long> missing, long duplicates) {

	}

	/**
	 * What the checker found for one topic.
	 */
	record Check(Set<Long> sent, Set<Long> acked, Set<Long> failed, Set<Long> unresolved, Set<Long> consumed,
			Set<Long> dlt, Set<Long> lost, Set<Long> failedUndelivered, Set<Long> inLog, long duplicates,
			Map<Long, Long> sentAt, long journalBacklog, long journalReplayed, long @Nullable [] sequence,
			@Nullable StarterVerdict verdict, Map<String, Integer> producerStatus) {

	}

}
