package dev.lossless.kafka.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.lossless.kafka.testcluster.KafkaProcessCluster;
import dev.lossless.kafka.testcluster.PostgresServer;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Runs every benchmark case against one real three-broker cluster (RF 3,
 * {@code min.insync.replicas=2}) in this one JVM, and writes {@code bench-report.md} and
 * {@code bench-chart.png} to the directory given as the first argument.
 * <p>
 * Each case runs twice to warm up (not reported; the durability cases, which run last,
 * not at all) and then {@code bench.rounds} times (3 when not set; the {@code bench}
 * profile sets 5). Rounds are interleaved: round 1 runs every case, then round 2 runs
 * every case again, each round starting at the next case, so that a change of the
 * machine's load hits every case alike. Run sizes scale with {@code bench.scale} (1.0 for
 * the full run).
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class LosslessKafkaBenchmarks {

	static final int SMALL = 100;

	static final int KIB = 1024;

	private static final int PRODUCER_RECORDS_SMALL = 400_000;

	private static final int PRODUCER_RECORDS_KIB = 100_000;

	private static final int CONSUMER_RECORDS = 500_000;

	private static final int DURABILITY_RECORDS = 60_000;

	private static final int OUTBOX_RECORDS = 50_000;

	private static final int FOOTPRINT_RECORDS_SMALL = 200_000;

	private static final int FOOTPRINT_RECORDS_KIB = 50_000;

	private static final int FOOTPRINT_CONSUMER_RECORDS = 100_000;

	private static final int FOOTPRINT_ROUNDS = ReportWriter.FOOTPRINT_ROUNDS;

	/**
	 * Warm-up rounds before the measured ones: the brokers are fresh JVMs too, and a
	 * trial run showed them (and the clients) still speeding up through the first two
	 * rounds.
	 */
	private static final int WARM_UP_ROUNDS = 2;

	private static final Map<String, String> TOPIC_CONFIGS = Map.of("min.insync.replicas", "2");

	private static final List<String> BROKER_JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=4", "-Xms512m", "-Xmx512m");

	private LosslessKafkaBenchmarks() {
	}

	public static void main(String[] args) throws Exception {
		Locale.setDefault(Locale.ROOT);
		Path outputDirectory = Path.of((args.length > 0) ? args[0] : "target");
		Files.createDirectories(outputDirectory);
		double scale = Double.parseDouble(System.getProperty("bench.scale", "1.0"));
		int rounds = Integer.getInteger("bench.rounds", 3);
		// for development: a subset of
		// cost,producer,consumer,durability,outbox,footprint,profile
		List<String> sections = List
			.of(System.getProperty("bench.sections", "cost,producer,consumer,durability,outbox,footprint,profile")
				.split(","));
		Instant started = Instant.now();
		Results results = new Results();
		results.rounds = rounds;
		results.facts.put("started", started.toString());
		results.facts.put("load average before (1, 5, 15 min)", MachineInfo.loadAverage());
		results.facts.put("processors (nproc)", Integer.toString(MachineInfo.processors()));
		results.facts.put("CPU", MachineInfo.cpuModel());
		results.facts.put("memory", MachineInfo.memory());
		results.facts.put("Java", MachineInfo.java());
		results.facts.put("OS", MachineInfo.os());
		results.facts.put("benchmark JVM",
				String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
		results.facts.put("broker JVMs",
				"3 processes, each -Xms256m -Xmx512m -XX:+UseSerialGC then " + String.join(" ", BROKER_JVM_OPTIONS));
		results.facts.put("scale", Double.toString(scale));
		results.facts.put("sections run", String.join(",", sections));
		log("Starting a 3-broker cluster (load average %s)", MachineInfo.loadAverage());
		// the cost section's topics are bounded in size: their old segments go within
		// seconds,
		// not five minutes, so that many rounds do not fill the disk
		KafkaProcessCluster.Builder builder = KafkaProcessCluster.builder()
			.brokers(3)
			.brokerProperty("log.retention.check.interval.ms", "10000");
		BROKER_JVM_OPTIONS.forEach(builder::jvmOption);
		try (KafkaProcessCluster cluster = builder.start()) {
			String bootstrapServers = cluster.bootstrapServers();
			if (sections.contains("cost")) {
				results.costs.run(cluster, scale, Integer.getInteger("bench.cost.rounds", 15),
						Integer.getInteger("bench.cost.consumer-rounds", 11), TOPIC_CONFIGS);
			}
			if (sections.contains("producer")) {
				producers(cluster, scale, rounds, results);
			}
			if (sections.contains("consumer")) {
				consumers(cluster, scale, rounds, results);
			}
			if (sections.contains("durability")) {
				durability(cluster, scale, rounds, results);
			}
			if (sections.contains("outbox")) {
				outbox(cluster, scale, rounds, results);
			}
			if (sections.contains("footprint")) {
				footprint(cluster, scale, results);
			}
			if (sections.contains("profile")) {
				profiles(cluster, scale, outputDirectory, results);
			}
		}
		results.facts.put("load average after (1, 5, 15 min)", MachineInfo.loadAverage());
		results.facts.put("suite time (cluster start to cluster stop)",
				Duration.between(started, Instant.now()).toSeconds() + " s");
		Path chart = outputDirectory.resolve("bench-chart.png");
		ReportChart.write(results, chart);
		Path report = outputDirectory.resolve("bench-report.md");
		Files.writeString(report, ReportWriter.write(results, chart.getFileName().toString()));
		log("Wrote %s and %s", report, chart);
		System.out.println(Files.readString(report));
		// the Kafka clients' and Spring's non-daemon threads are all closed, but be sure
		System.exit(0);
	}

	private static void producers(KafkaProcessCluster cluster, double scale, int rounds, Results results)
			throws Exception {
		String bootstrapServers = cluster.bootstrapServers();
		Map<Integer, Integer> sizes = new TreeMap<>(
				Map.of(SMALL, scaled(PRODUCER_RECORDS_SMALL, scale), KIB, scaled(PRODUCER_RECORDS_KIB, scale)));
		results.producerRecords.putAll(sizes);
		List<String> topics = new ArrayList<>();
		for (int size : sizes.keySet()) {
			for (String suffix : List.of("perf", "raw", "starter", "starter-noseq", "boot")) {
				String topic = "bench-producer-" + size + "-" + suffix;
				cluster.createTopic(topic, 3, (short) 3, TOPIC_CONFIGS);
				topics.add(topic);
			}
		}
		Map<String, Object> settings = ProducerCases.settings(bootstrapServers, "all", true, 5);
		try (ConfigurableApplicationContext starter = BenchmarkApplications.producer(bootstrapServers, true, 5, topics);
				ConfigurableApplicationContext starterWithoutSequence = BenchmarkApplications.producer(bootstrapServers,
						false, 5, topics);
				ConfigurableApplicationContext boot = BenchmarkApplications.producerWithoutStarter(bootstrapServers)) {
			BenchmarkApplications.producerSettings(starter)
				.forEach((key, value) -> results.starterProducerSettings.put(key, String.valueOf(value)));
			KafkaTemplate<byte[], byte[]> template = BenchmarkApplications.template(starter);
			KafkaTemplate<byte[], byte[]> templateWithoutSequence = BenchmarkApplications
				.template(starterWithoutSequence);
			KafkaTemplate<byte[], byte[]> bootTemplate = BenchmarkApplications.template(boot);
			for (int size : sizes.keySet()) {
				int records = sizes.get(size);
				String prefix = "bench-producer-" + size + "-";
				Map<String, Case> cases = new LinkedHashMap<>();
				cases.put(Results.PERF_TOOL, () -> ProducerCases.perfTool(settings, prefix + "perf", records, size));
				cases.put(Results.RAW_PRODUCER, () -> ProducerCases.raw(settings, prefix + "raw", records, size));
				cases.put(Results.STARTER_PRODUCER,
						() -> ProducerCases.template(template, prefix + "starter", records, size));
				cases.put(Results.STARTER_PRODUCER_NO_SEQUENCE,
						() -> ProducerCases.template(templateWithoutSequence, prefix + "starter-noseq", records, size));
				cases.put(Results.BOOT_PRODUCER,
						() -> ProducerCases.template(bootTemplate, prefix + "boot", records, size));
				runRounds("producer " + size + " B", cases, rounds, (name) -> results.producer(size, name));
			}
		}
	}

	private static void consumers(KafkaProcessCluster cluster, double scale, int rounds, Results results)
			throws Exception {
		String bootstrapServers = cluster.bootstrapServers();
		String topic = "bench-consumer";
		int records = scaled(CONSUMER_RECORDS, scale);
		results.consumerRecords = records;
		cluster.createTopic(topic, 3, (short) 3, TOPIC_CONFIGS);
		log("Filling %s with %d records of %d B through the starter (stamped)", topic, records, KIB);
		try (ConfigurableApplicationContext filler = BenchmarkApplications.producer(bootstrapServers, true, 5,
				List.of(topic))) {
			ProducerCases.template(BenchmarkApplications.template(filler), topic, records, KIB);
		}
		Map<String, Case> cases = new LinkedHashMap<>();
		cases.put(Results.RAW_CONSUMER, () -> ConsumerCases.rawLoop(bootstrapServers, topic, records));
		cases.put(Results.RECORD_LISTENER, () -> ConsumerCases.starter(bootstrapServers, topic, records, false, true));
		cases.put(Results.BATCH_LISTENER, () -> ConsumerCases.starter(bootstrapServers, topic, records, true, true));
		cases.put(Results.RECORD_LISTENER_NO_SEQUENCE,
				() -> ConsumerCases.starter(bootstrapServers, topic, records, false, false));
		cases.put(Results.BATCH_LISTENER_NO_SEQUENCE,
				() -> ConsumerCases.starter(bootstrapServers, topic, records, true, false));
		cases.put(Results.BOOT_RECORD_LISTENER, () -> ConsumerCases.starter(bootstrapServers, topic, records, false,
				false, "lossless.kafka.enabled=false", "spring.kafka.consumer.auto-offset-reset=earliest"));
		runRounds("consumer", cases, rounds, results::consumer);
	}

	private static void durability(KafkaProcessCluster cluster, double scale, int rounds, Results results)
			throws Exception {
		String bootstrapServers = cluster.bootstrapServers();
		int records = scaled(DURABILITY_RECORDS, scale);
		results.durabilityRecords = records;
		for (int partitions : List.of(1, 3, 12)) {
			cluster.createTopic("bench-durability-" + partitions, partitions, (short) 3, TOPIC_CONFIGS);
		}
		Map<String, Case> cases = new LinkedHashMap<>();
		durabilityCase(cases, bootstrapServers, records, "all", true, 5, 3);
		durabilityCase(cases, bootstrapServers, records, "1", false, 5, 3);
		durabilityCase(cases, bootstrapServers, records, "all", false, 5, 3);
		durabilityCase(cases, bootstrapServers, records, "all", true, 0, 3);
		durabilityCase(cases, bootstrapServers, records, "all", true, 20, 3);
		durabilityCase(cases, bootstrapServers, records, "all", true, 5, 1);
		durabilityCase(cases, bootstrapServers, records, "all", true, 5, 12);
		// the JVM and the raw client are warm from the producer cases: no warm-up round
		runRounds("durability", cases, Math.min(rounds, 3), 0, results::durability);
	}

	private static void durabilityCase(Map<String, Case> cases, String bootstrapServers, int records, String acks,
			boolean idempotence, int lingerMs, int partitions) {
		String name = "acks=" + acks + ", idempotence=" + idempotence + ", linger.ms=" + lingerMs + ", partitions="
				+ partitions;
		Map<String, Object> settings = ProducerCases.settings(bootstrapServers, acks, idempotence, lingerMs);
		cases.put(name, () -> ProducerCases.raw(settings, "bench-durability-" + partitions, records, KIB));
	}

	private static void outbox(KafkaProcessCluster cluster, double scale, int rounds, Results results)
			throws Exception {
		String bootstrapServers = cluster.bootstrapServers();
		int records = scaled(OUTBOX_RECORDS, scale);
		results.outboxRecords = records;
		String topic = "bench-outbox";
		cluster.createTopic(topic, 3, (short) 3, TOPIC_CONFIGS);
		log("Starting PostgreSQL for the outbox cases");
		try (PostgresServer postgres = PostgresServer.start(Map.of("max_connections", "50"));
				ConfigurableApplicationContext defaults = BenchmarkApplications.outbox(bootstrapServers,
						postgres.jdbcUrl(), 500, topic);
				ConfigurableApplicationContext large = BenchmarkApplications.outbox(bootstrapServers,
						postgres.jdbcUrl(), 2000, topic)) {
			OutboxCases.stopRelays(defaults, large);
			Map<String, Case> cases = new LinkedHashMap<>();
			cases.put("batch-size=500 (default)", () -> OutboxCases.relay(defaults, topic, records, KIB));
			cases.put("batch-size=2000", () -> OutboxCases.relay(large, topic, records, KIB));
			// the relays share the table: only the measured one runs
			runRounds("outbox", cases, Math.min(rounds, 3), 1, results::outbox);
		}
	}

	/**
	 * Measure what one record costs in allocations and on the wire (see
	 * {@link Footprint}): figures that do not depend on a quiet machine. Two warm-up
	 * rounds, then {@value #FOOTPRINT_ROUNDS} interleaved rounds, medians reported.
	 */
	private static void footprint(KafkaProcessCluster cluster, double scale, Results results) throws Exception {
		String bootstrapServers = cluster.bootstrapServers();
		Map<Integer, Integer> sizes = new TreeMap<>(
				Map.of(SMALL, scaled(FOOTPRINT_RECORDS_SMALL, scale), KIB, scaled(FOOTPRINT_RECORDS_KIB, scale)));
		results.footprintRecords.putAll(sizes);
		List<String> topics = new ArrayList<>();
		for (int size : sizes.keySet()) {
			String topic = "bench-footprint-" + size;
			cluster.createTopic(topic, 3, (short) 3, TOPIC_CONFIGS);
			topics.add(topic);
		}
		Map<String, Object> settings = ProducerCases.settings(bootstrapServers, "all", true, 5);
		try (ConfigurableApplicationContext starter = BenchmarkApplications.producer(bootstrapServers, true, 5, topics);
				ConfigurableApplicationContext starterWithoutSequence = BenchmarkApplications.producer(bootstrapServers,
						false, 5, topics);
				ConfigurableApplicationContext boot = BenchmarkApplications.producerWithoutStarter(bootstrapServers)) {
			Map<String, FootprintCase> cases = new LinkedHashMap<>();
			cases.put(Results.RAW_PRODUCER, (topic, records, size) -> Footprint.raw(settings, topic, records, size));
			cases.put(Results.STARTER_PRODUCER, footprintCase(starter));
			cases.put(Results.STARTER_PRODUCER_NO_SEQUENCE, footprintCase(starterWithoutSequence));
			cases.put(Results.BOOT_PRODUCER, footprintCase(boot));
			List<String> names = new ArrayList<>(cases.keySet());
			for (int round = 1 - WARM_UP_ROUNDS; round <= FOOTPRINT_ROUNDS; round++) {
				for (int size : sizes.keySet()) {
					for (int i = 0; i < names.size(); i++) {
						String name = names.get(Math.floorMod(i + round, names.size()));
						Footprint.ProducerFootprint run = cases.get(name)
							.run("bench-footprint-" + size, sizes.get(size), size);
						log("footprint %d B %s %s: sender %.0f B/record, network thread %.0f B/record, batches "
								+ "%.1f B/record, %.0f batches of %.0f B, %.1f records/request", size,
								(round < 1) ? "warm-up" : "round " + round, name, run.senderBytes(), run.networkBytes(),
								run.batchBytes(), run.batches(), run.batchSize(), run.recordsPerRequest());
						if (round >= 1) {
							results.footprint(size, name).add(run);
						}
					}
				}
			}
		}
		String topic = "bench-footprint-consumer";
		int records = scaled(FOOTPRINT_CONSUMER_RECORDS, scale);
		results.footprintConsumerRecords = records;
		cluster.createTopic(topic, 3, (short) 3, TOPIC_CONFIGS);
		try (ConfigurableApplicationContext filler = BenchmarkApplications.producer(bootstrapServers, true, 5,
				List.of(topic))) {
			ProducerCases.template(BenchmarkApplications.template(filler), topic, records, KIB);
		}
		Map<String, ConsumerFootprintCase> consumerCases = new LinkedHashMap<>();
		consumerCases.put(Results.RAW_CONSUMER, (probe) -> ConsumerCases.rawLoop(bootstrapServers, topic, probe));
		consumerCases.put(Results.RECORD_LISTENER,
				(probe) -> ConsumerCases.starter(bootstrapServers, topic, probe, false, true));
		consumerCases.put(Results.BATCH_LISTENER,
				(probe) -> ConsumerCases.starter(bootstrapServers, topic, probe, true, true));
		consumerCases.put(Results.RECORD_LISTENER_NO_SEQUENCE,
				(probe) -> ConsumerCases.starter(bootstrapServers, topic, probe, false, false));
		consumerCases.put(Results.BATCH_LISTENER_NO_SEQUENCE,
				(probe) -> ConsumerCases.starter(bootstrapServers, topic, probe, true, false));
		consumerCases.put(Results.BOOT_RECORD_LISTENER, (probe) -> ConsumerCases.starter(bootstrapServers, topic, probe,
				false, false, "lossless.kafka.enabled=false", "spring.kafka.consumer.auto-offset-reset=earliest"));
		List<String> names = new ArrayList<>(consumerCases.keySet());
		for (int round = 0; round <= FOOTPRINT_ROUNDS; round++) {
			for (int i = 0; i < names.size(); i++) {
				String name = names.get(Math.floorMod(i + round, names.size()));
				BenchmarkApplications.ConsumptionProbe probe = new BenchmarkApplications.ConsumptionProbe(records);
				consumerCases.get(name).run(probe);
				log("footprint consumer %s %s: %.0f B/record on the consuming thread",
						(round < 1) ? "warm-up" : "round " + round, name, probe.allocatedPerRecord());
				if (round >= 1) {
					results.consumerFootprint.computeIfAbsent(name, (key) -> new ArrayList<>())
						.add(probe.allocatedPerRecord());
				}
			}
		}
	}

	private static FootprintCase footprintCase(ConfigurableApplicationContext context) {
		KafkaTemplate<byte[], byte[]> template = BenchmarkApplications.template(context);
		DefaultKafkaProducerFactory<?, ?> factory = context.getBean(DefaultKafkaProducerFactory.class);
		return (topic, records, size) -> Footprint.template(template, factory, topic, records, size);
	}

	private static void profiles(KafkaProcessCluster cluster, double scale, Path outputDirectory, Results results)
			throws Exception {
		String bootstrapServers = cluster.bootstrapServers();
		// twice a measured run, for enough samples
		int records = scaled(2 * PRODUCER_RECORDS_KIB, scale);
		Map<String, Object> settings = ProducerCases.settings(bootstrapServers, "all", true, 5);
		String topic = "bench-producer-" + KIB + "-raw";
		String starterTopic = "bench-producer-" + KIB + "-starter";
		log("Profiling (JFR): raw producer, starter producer, raw consumer, starter record listener");
		results.profiles
			.add(Profiler.record(Results.RAW_PRODUCER + ", 1 KiB", outputDirectory.resolve("profile-raw-producer.jfr"),
					".*", () -> ProducerCases.raw(settings, topic, records, KIB)));
		try (ConfigurableApplicationContext starter = BenchmarkApplications.producer(bootstrapServers, true, 5,
				List.of(starterTopic))) {
			KafkaTemplate<byte[], byte[]> template = BenchmarkApplications.template(starter);
			// a warm-up for this application's producer
			ProducerCases.template(template, starterTopic, records / 4, KIB);
			results.profiles.add(Profiler.record(Results.STARTER_PRODUCER + ", 1 KiB",
					outputDirectory.resolve("profile-starter-producer.jfr"), ".*",
					() -> ProducerCases.template(template, starterTopic, records, KIB)));
		}
		if (results.consumerRecords == 0) {
			return;
		}
		results.profiles.add(Profiler.record(Results.RAW_CONSUMER + " (main thread only)",
				outputDirectory.resolve("profile-raw-consumer.jfr"), "main",
				() -> ConsumerCases.rawLoop(bootstrapServers, "bench-consumer", results.consumerRecords)));
		results.profiles.add(Profiler.record(Results.RECORD_LISTENER + " (listener thread only)",
				outputDirectory.resolve("profile-record-listener.jfr"), "bench-record-.*",
				() -> ConsumerCases.starter(bootstrapServers, "bench-consumer", results.consumerRecords, false, true)));
	}

	private static void runRounds(String label, Map<String, Case> cases, int rounds,
			java.util.function.Function<String, Samples> samples) throws Exception {
		runRounds(label, cases, rounds, WARM_UP_ROUNDS, samples);
	}

	private static void runRounds(String label, Map<String, Case> cases, int rounds, int warmUpRounds,
			java.util.function.Function<String, Samples> samples) throws Exception {
		List<String> names = new ArrayList<>(cases.keySet());
		names.forEach(samples::apply);
		for (int round = 1 - warmUpRounds; round <= rounds; round++) {
			boolean warmUp = round < 1;
			for (int i = 0; i < names.size(); i++) {
				String name = names.get(Math.floorMod(i + round, names.size()));
				Run run = cases.get(name).run();
				log("%s %s %s: %.0f records/s, %.2f MB/s, p50 %.1f ms, p99 %.1f ms (load %s)", label,
						warmUp ? "warm-up" : "round " + round, name, run.recordsPerSecond(), run.megabytesPerSecond(),
						run.p50(), run.p99(), MachineInfo.loadAverage());
				if (!warmUp) {
					samples.apply(name).add(run);
				}
			}
		}
	}

	static int scaled(int records, double scale) {
		return Math.max(1000, (int) Math.round(records * scale));
	}

	static void log(String format, Object... args) {
		System.out.printf("[bench %tT] %s%n", System.currentTimeMillis(), String.format(format, args));
	}

	interface Case {

		Run run() throws Exception;

	}

	interface FootprintCase {

		Footprint.ProducerFootprint run(String topic, int records, int recordSize) throws Exception;

	}

	interface ConsumerFootprintCase {

		Run run(BenchmarkApplications.ConsumptionProbe probe) throws Exception;

	}

}
