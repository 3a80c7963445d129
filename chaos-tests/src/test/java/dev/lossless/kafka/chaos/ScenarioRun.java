package dev.lossless.kafka.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.lossless.kafka.testcluster.KafkaProcessCluster;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;

import static org.awaitility.Awaitility.await;

/**
 * One scenario of the fault suite: a fresh topic and consumer group, the producer and
 * consumer applications under test in their own JVMs, waits on their progress, and the
 * final comparison of what was acknowledged with what was consumed.
 *
 * @author Lossless Kafka team
 */
final class ScenarioRun implements AutoCloseable {

	static final Duration PROGRESS_TIMEOUT = Duration.ofMinutes(3);

	/**
	 * The properties of every consumer application: small polls, a quick session timeout,
	 * two quick retries before a record goes to the dead-letter topic.
	 */
	static final List<String> CONSUMER_PROPERTIES = List.of("spring.kafka.consumer.max-poll-records=200",
			"spring.kafka.consumer.heartbeat-interval=1s", "spring.kafka.consumer.properties.session.timeout.ms=10000",
			"lossless.kafka.consumer.retry.attempts=2", "lossless.kafka.consumer.retry.initial-interval=100ms");

	private static final Pattern VERIFIABLE_RECORD = Pattern
		.compile("\"name\":\"record_data\".*\"value\":\"(\\d+)(:poison)?\"");

	private final String scenario;

	private final KafkaProcessCluster cluster;

	private final ClusterProbe probe;

	private final String topic;

	private final String group;

	private final Path dir;

	private final ConsumerLogs consumers;

	private final List<AppProcess> processes = new ArrayList<>();

	private final List<String> notes = new ArrayList<>();

	private final long startNanos = System.nanoTime();

	private int poisonEvery;

	private int consumerCount;

	private AppProcess producer;

	private ProducerLog producerLog;

	private AppProcess verifiableConsumer;

	ScenarioRun(String scenario, KafkaProcessCluster cluster, Path baseDir, String prefix, int partitions) {
		this.scenario = scenario;
		this.cluster = cluster;
		this.probe = new ClusterProbe(cluster);
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		this.topic = prefix + "-" + suffix;
		this.group = prefix + "-group-" + suffix;
		this.dir = baseDir.resolve(this.topic);
		this.consumers = new ConsumerLogs(this.topic);
		cluster.createTopic(this.topic, partitions, (short) 3, Map.of("min.insync.replicas", "2"));
	}

	String topic() {
		return this.topic;
	}

	String deadLetterTopic() {
		return this.topic + "-dlt";
	}

	String group() {
		return this.group;
	}

	ClusterProbe probe() {
		return this.probe;
	}

	ProducerLog producerLog() {
		return this.producerLog;
	}

	ConsumerLogs consumers() {
		return this.consumers;
	}

	void note(String note) {
		this.notes.add(note);
	}

	/**
	 * Start the producer application.
	 * @param rate the records per second
	 * @param poisonEvery make every n-th record a poison pill, 0 for none
	 * @param properties more application properties
	 * @return the process
	 */
	AppProcess startProducer(int rate, int poisonEvery, String... properties) {
		this.poisonEvery = poisonEvery;
		List<String> all = new ArrayList<>(List.of("chaos.rate=" + rate, "chaos.poison-every=" + poisonEvery));
		all.addAll(List.of(properties));
		this.producer = startApplication("producer", ChaosProducerApplication.class, all);
		this.producerLog = new ProducerLog(this.dir.resolve("producer.log"));
		await("the producer application to start").atMost(PROGRESS_TIMEOUT)
			.pollInterval(Duration.ofMillis(200))
			.until(() -> checkRunning(this.producer) && this.producerLog.isReady());
		return this.producer;
	}

	/**
	 * Start one more consumer application in the group and wait until it has partitions.
	 * @param properties more application properties
	 * @return the process
	 */
	AppProcess startConsumer(String... properties) {
		String name = "consumer-" + this.consumerCount++;
		List<String> all = new ArrayList<>(CONSUMER_PROPERTIES);
		all.addAll(List.of(properties));
		int assignments = this.consumers.assignments();
		AppProcess consumer = startApplication(name, ChaosConsumerApplication.class, all);
		this.consumers.add(this.dir.resolve(name + ".log"));
		await(name + " to get partitions").atMost(PROGRESS_TIMEOUT)
			.pollInterval(Duration.ofMillis(200))
			.until(() -> checkRunning(consumer) && this.consumers.assignments() > assignments);
		return consumer;
	}

	/**
	 * Start Kafka's {@code VerifiableConsumer} on the topic, in a group of its own.
	 */
	void startVerifiableConsumer() {
		this.verifiableConsumer = start(AppProcess.start("verifiable-consumer", this.dir, VerifiableConsumerMain.class,
				List.of("--bootstrap-server", this.cluster.bootstrapServers(), "--topic", this.topic, "--group-id",
						this.group + "-verifiable", "--reset-policy", "earliest", "--verbose")));
	}

	private AppProcess startApplication(String name, Class<?> mainClass, List<String> properties) {
		List<String> arguments = new ArrayList<>(
				List.of("--spring.kafka.bootstrap-servers=" + this.cluster.bootstrapServers(),
						"--spring.kafka.consumer.group-id=" + this.group, "--chaos.topic=" + this.topic,
						"--chaos.log=" + this.dir.resolve(name + ".log"), "--spring.main.banner-mode=off",
						// a send journal of this run's own: nothing from an earlier run
						// is replayed
						"--lossless.kafka.producer.journal.directory=" + this.dir.resolve("journal")));
		properties.forEach((property) -> arguments.add("--" + property));
		return start(AppProcess.start(name, this.dir, mainClass, arguments));
	}

	private AppProcess start(AppProcess process) {
		this.processes.add(process);
		return process;
	}

	static boolean checkRunning(AppProcess process) {
		if (!process.isAlive()) {
			throw new IllegalStateException(
					process.name() + " exited with status " + process.exitValue() + "\n" + process.tail());
		}
		return true;
	}

	/**
	 * Wait until the producer application has sent some more records.
	 * @param records how many more
	 */
	void awaitSent(int records) {
		int target = this.producerLog.sentCount() + records;
		await("the producer to send " + records + " more records").atMost(PROGRESS_TIMEOUT)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> checkRunning(this.producer) && this.producerLog.sentCount() >= target);
	}

	/**
	 * Wait until the consumer applications have processed some more records.
	 * @param records how many more
	 */
	void awaitProcessed(int records) {
		int target = this.consumers.processedCount() + records;
		await("the consumers to process " + records + " more records").atMost(PROGRESS_TIMEOUT)
			.pollInterval(Duration.ofMillis(100))
			.until(() -> this.consumers.processedCount() >= target);
	}

	/**
	 * Check that the committed offsets of the group pass no record that no consumer
	 * application processed, for example right after a consumer was killed.
	 * @return the committed offsets that pass an unprocessed record, as
	 * {@code partition@offset}
	 */
	CommitCheck checkCommittedOffsets() throws Exception {
		Map<TopicPartition, Long> committed = this.probe.committed(this.group);
		List<String> violations = new ArrayList<>();
		int processedPastCommit = 0;
		for (ConsumerRecord<String, String> record : this.probe.readAll(this.topic, PROGRESS_TIMEOUT)) {
			TopicPartition partition = new TopicPartition(record.topic(), record.partition());
			long commit = committed.getOrDefault(partition, 0L);
			boolean processed = this.consumers.wasProcessed(partition, record.offset());
			if (record.offset() < commit && !processed && !SteadySender.isPoison(record.value())) {
				violations.add(partition.partition() + "@" + record.offset() + " (id " + record.value() + ")");
			}
			if (record.offset() >= commit && processed) {
				processedPastCommit++;
			}
		}
		return new CommitCheck(committed, violations, processedPastCommit);
	}

	/**
	 * Stop the producer, wait for the outcome of every send and for the consumers to
	 * catch up with every acknowledged record (bounded), then compare.
	 * @return the outcome
	 */
	Outcome finish() throws Exception {
		this.producer.send("stop");
		int status = this.producer.awaitExit(Duration.ofMinutes(5));
		ProducerLog log = this.producerLog.refresh();
		Set<Long> acked = log.acked();
		// The producer is done: what the topic holds now is all that can ever be consumed
		Set<Long> inLog = this.probe.readAll(this.topic, PROGRESS_TIMEOUT)
			.stream()
			.map((record) -> SteadySender.idOf(record.value()))
			.collect(Collectors.toSet());
		Set<Long> consumable = new HashSet<>(acked);
		consumable.retainAll(inLog);
		Set<Long> dlt = new HashSet<>();
		try {
			await("the consumers to process every acknowledged record in the topic").atMost(PROGRESS_TIMEOUT)
				.pollInterval(Duration.ofSeconds(1))
				.until(() -> {
					Set<Long> consumed = new HashSet<>(this.consumers.processed());
					if (this.poisonEvery > 0) {
						dlt.clear();
						dlt.addAll(deadLettered());
						consumed.addAll(dlt);
					}
					return consumed.containsAll(consumable);
				});
		}
		catch (ConditionTimeoutException ex) {
			note("consumers did not catch up within " + PROGRESS_TIMEOUT.toSeconds() + " s");
		}
		Set<Long> processed = this.consumers.processed();
		Set<Long> consumed = new HashSet<>(processed);
		consumed.addAll(dlt);
		long[] sequence = this.consumers.sequenceStatistics();
		if (sequence != null) {
			note("starter's sequence check (last report of each consumer process, summed): checked " + sequence[0]
					+ ", gaps " + sequence[1] + ", missing " + sequence[2] + ", duplicates " + sequence[3]
					+ ", unresolved " + sequence[4]);
		}
		Set<Long> verified = null;
		if (this.verifiableConsumer != null) {
			verified = awaitVerifiableConsumer(acked);
		}
		return new Outcome(this.scenario, status, log.unresolvedLine(), log.sent(), acked, log.failed(),
				log.failureCauses(), processed, consumed, this.consumers.duplicates(), dlt, inLog, verified,
				TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - this.startNanos), List.copyOf(this.notes));
	}

	private Set<Long> awaitVerifiableConsumer(Set<Long> acked) {
		Set<Long> ids = new HashSet<>();
		LogTail tail = new LogTail(this.verifiableConsumer.outputFile());
		try {
			await("Kafka's VerifiableConsumer to read every acknowledged record").atMost(PROGRESS_TIMEOUT)
				.pollInterval(Duration.ofSeconds(1))
				.until(() -> {
					tail.read((line) -> {
						Matcher matcher = VERIFIABLE_RECORD.matcher(line);
						if (matcher.find()) {
							ids.add(Long.parseLong(matcher.group(1)));
						}
					});
					return ids.containsAll(acked);
				});
		}
		catch (ConditionTimeoutException ex) {
			note("VerifiableConsumer did not catch up within " + PROGRESS_TIMEOUT.toSeconds() + " s");
		}
		this.verifiableConsumer.close();
		return ids;
	}

	private Set<Long> deadLettered() {
		return this.probe.readAll(deadLetterTopic(), PROGRESS_TIMEOUT)
			.stream()
			.map((record) -> SteadySender.idOf(record.value()))
			.collect(Collectors.toSet());
	}

	@Override
	public void close() {
		for (AppProcess process : this.processes) {
			process.close();
		}
	}

	/**
	 * Committed offsets checked against the records processed.
	 *
	 * @param committed the committed offsets
	 * @param violations committed offsets that pass an unprocessed record
	 * @param processedPastCommit records processed at or past the committed offset (to be
	 * redelivered)
	 */
	record CommitCheck(Map<TopicPartition, Long> committed, List<String> violations, int processedPastCommit) {

	}

	/**
	 * What a scenario produced, acknowledged and consumed.
	 */
	record Outcome(String scenario, int producerStatus, String unresolvedLine, Set<Long> sent, Set<Long> acked,
			Set<Long> failed, Map<String, Integer> failureCauses, Set<Long> processed, Set<Long> consumed,
			long duplicates, Set<Long> dlt, Set<Long> inLog, @Nullable Set<Long> verified, long seconds,
			List<String> notes) {

		Set<Long> lost() {
			return difference(this.acked, this.consumed);
		}

		Set<Long> unresolved() {
			Set<Long> unresolved = new TreeSet<>(this.sent);
			unresolved.removeAll(this.acked);
			unresolved.removeAll(this.failed);
			return unresolved;
		}

		/**
		 * Return the acknowledged records Kafka's {@code VerifiableConsumer} never read,
		 * or {@code null} when none ran.
		 * @return {@code acked - verified}
		 */
		@Nullable Set<Long> unverified() {
			return (this.verified != null) ? difference(this.acked, this.verified) : null;
		}

		Set<Long> lostFromLog() {
			return difference(this.acked, this.inLog);
		}

		ChaosReport.Row row() {
			List<String> all = new ArrayList<>(this.notes);
			Set<Long> lost = lost();
			if (!lost.isEmpty()) {
				all.add("LOST ids (first 20): " + lost.stream().limit(20).toList());
			}
			all.add("acked but not in the topic (read-back): " + lostFromLog().size());
			if (this.verified != null) {
				all.add("Kafka VerifiableConsumer read " + this.verified.size() + " ids, acked - read = "
						+ unverified().size());
			}
			if (!this.failureCauses.isEmpty()) {
				all.add("failure root causes " + this.failureCauses);
				Set<Long> failedButConsumed = new TreeSet<>(this.failed);
				failedButConsumed.retainAll(this.consumed);
				all.add("reported failed yet written and consumed: " + failedButConsumed.size());
			}
			Set<Long> unresolved = unresolved();
			if (!unresolved.isEmpty() || this.producerStatus != 0) {
				all.add("UNRESOLVED sends " + unresolved.size() + ", producer exit " + this.producerStatus + " "
						+ this.unresolvedLine);
			}
			return new ChaosReport.Row(this.scenario, this.sent.size(), this.acked.size(), this.failed.size(),
					this.consumed.size(), lost.size(), this.duplicates, this.dlt.size(), this.seconds,
					String.join("; ", all));
		}

		private static Set<Long> difference(Set<Long> left, Set<Long> right) {
			Set<Long> difference = new TreeSet<>(left);
			difference.removeAll(right);
			return difference;
		}

	}

}
