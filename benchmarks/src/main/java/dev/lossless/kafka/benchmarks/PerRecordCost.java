package dev.lossless.kafka.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

import dev.lossless.kafka.sequence.SequenceStamp;
import dev.lossless.kafka.testcluster.KafkaProcessCluster;
import jdk.jfr.Recording;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * What the client itself spends per record, in figures that barely move with the
 * machine's other load: CPU time of the sending thread and of the producer's network
 * thread ({@code ThreadMXBean#getThreadCpuTime}), bytes they allocate, and bytes of
 * record batches on the wire; for consumers the CPU time and allocations of the consuming
 * thread ({@code group.protocol=classic}, so the consumer's work is on that thread).
 * Every case runs in the same process against the same cluster with the same settings;
 * the cases of a round run at once (producers in blocks of records in turn, consumers
 * side by side), so that they meet the same load and their ratios, taken per round,
 * barely move with the machine's other work. Each producer is long-lived and its
 * cumulative metrics are read before and after each run.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class PerRecordCost {

	static final String RAW = "raw KafkaProducer";

	static final String BOOT = "Boot KafkaTemplate, starter off";

	static final String STARTER = "starter, every default";

	static final String STARTER_NO_SEQUENCE = "starter, sequence off";

	static final String STARTER_NO_JOURNAL = "starter, journal off";

	/**
	 * Boot's template sending each record with one header of the stamp's size (a 1-byte
	 * name, a 7-byte value) that the application made once: what the Kafka client alone
	 * spends on such a header, the least any header stamp can cost.
	 */
	static final String BOOT_ONE_HEADER = "Boot KafkaTemplate, one header of the stamp's size";

	static final String RAW_CONSUMER = "raw poll/commitSync loop";

	static final String BOOT_RECORD = "Boot record listener, starter off";

	static final String STARTER_RECORD = "starter record listener, gap detection on";

	static final String STARTER_RECORD_NO_SEQUENCE = "starter record listener, sequence off";

	static final String STARTER_RECORD_WRAPPED = "starter record listener, deserializer that can fail (wrapped)";

	static final String BOOT_RECORD_READING_HEADER = "Boot record listener reading the stamp header";

	static final String BOOT_BATCH = "Boot batch listener, starter off";

	static final String BOOT_BATCH_READING_HEADER = "Boot batch listener reading the stamp header";

	static final String STARTER_BATCH = "starter batch listener, gap detection on";

	private static final int PRODUCER_RECORDS_SMALL = 200_000;

	private static final int PRODUCER_RECORDS_KIB = 80_000;

	private static final int CONSUMER_RECORDS = 200_000;

	private static final int MIN_WARM_UP_ROUNDS = 3;

	static final int MAX_WARM_UP_ROUNDS = 12;

	/**
	 * Records each case sends in turn within an interleaved run.
	 */
	static final int BLOCK = 500;

	/**
	 * Warm-up ends after a round in which the JIT compiled for less than this: C2 has
	 * compiled the paths of every case by then. Three fixed rounds were not enough: in a
	 * trial run the JIT compiled for 30 s in the first warm-up round and for seconds in
	 * each of the next three, and the first measured rounds cost several times the later
	 * ones.
	 */
	static final long SETTLED_COMPILATION_MILLIS = 100;

	/**
	 * The {@code linger.ms} of every producer of this section: longer than any run, so
	 * that a batch leaves only when it is full (or at the run's {@code flush()}),
	 * whatever the timing; with 5 ms a descheduled sending thread made partial batches
	 * and the network thread's work per record varied from run to run.
	 */
	static final int LINGER_MS = Integer.getInteger("bench.cost.linger-ms", 10_000);

	private static final long CONSUMER_TIMEOUT_SECONDS = 300;

	private static final String CLASSIC = "spring.kafka.consumer.properties.group.protocol=classic";

	private static final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	private static final com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	/** Per record size, per case, one run per round. */
	final Map<Integer, Map<String, List<ProducerCost>>> producers = new LinkedHashMap<>();

	/** Per case, one run per round. */
	final Map<String, List<ConsumerCost>> consumers = new LinkedHashMap<>();

	final Map<Integer, Integer> producerRecords = new LinkedHashMap<>();

	int consumerRecords;

	int producerRounds;

	int producerWarmUpRounds;

	int consumerWarmUpRounds;

	int consumerRounds;

	/**
	 * Run the producer and the consumer cases.
	 * @param cluster the cluster
	 * @param scale the scale of the run sizes
	 * @param producerRounds the measured producer rounds
	 * @param consumerRounds the measured consumer rounds
	 * @param topicConfigs the configuration of every topic
	 * @throws Exception if a case fails
	 */
	void run(KafkaProcessCluster cluster, double scale, int producerRounds, int consumerRounds,
			Map<String, String> topicConfigs) throws Exception {
		this.producerRounds = producerRounds;
		this.consumerRounds = consumerRounds;
		if (producerRounds > 0) {
			producers(cluster, scale, topicConfigs);
		}
		if (consumerRounds > 0) {
			consumers(cluster, scale, topicConfigs);
		}
	}

	private void producers(KafkaProcessCluster cluster, double scale, Map<String, String> topicConfigs)
			throws Exception {
		String bootstrapServers = cluster.bootstrapServers();
		this.producerRecords.put(LosslessKafkaBenchmarks.SMALL,
				LosslessKafkaBenchmarks.scaled(PRODUCER_RECORDS_SMALL, scale));
		this.producerRecords.put(LosslessKafkaBenchmarks.KIB,
				LosslessKafkaBenchmarks.scaled(PRODUCER_RECORDS_KIB, scale));
		List<String> topics = new ArrayList<>();
		// every round sends hundreds of MB: keep a few segments a partition, not every
		// record
		Map<String, String> bounded = new HashMap<>(topicConfigs);
		bounded.put("retention.bytes", Integer.toString(256 * 1024 * 1024));
		bounded.put("segment.bytes", Integer.toString(64 * 1024 * 1024));
		for (int size : this.producerRecords.keySet()) {
			String topic = topic(size);
			cluster.createTopic(topic, 3, (short) 3, bounded);
			topics.add(topic);
		}
		Map<String, Object> settings = ProducerCases.settings(bootstrapServers, "all", true, LINGER_MS);
		try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(settings, new ByteArraySerializer(),
				new ByteArraySerializer());
				ConfigurableApplicationContext boot = BenchmarkApplications.producerWithoutStarter(bootstrapServers,
						LINGER_MS);
				// a producer of its own: each case's figures come from its producer's
				// metrics
				ConfigurableApplicationContext bootOneHeader = BenchmarkApplications
					.producerWithoutStarter(bootstrapServers, LINGER_MS);
				ConfigurableApplicationContext starter = BenchmarkApplications.producer(bootstrapServers, true,
						LINGER_MS, topics);
				ConfigurableApplicationContext noSequence = BenchmarkApplications.producer(bootstrapServers, false,
						LINGER_MS, topics);
				ConfigurableApplicationContext noJournal = BenchmarkApplications.producer(bootstrapServers, true,
						LINGER_MS, topics, "lossless.kafka.producer.journal.enabled=false")) {
			Map<String, ProducerCase> cases = new LinkedHashMap<>();
			cases.put(RAW, rawCase(raw));
			cases.put(BOOT, templateCase(BenchmarkApplications.template(boot)));
			cases.put(BOOT_ONE_HEADER, oneHeaderCase(BenchmarkApplications.template(bootOneHeader)));
			cases.put(STARTER, templateCase(BenchmarkApplications.template(starter)));
			cases.put(STARTER_NO_SEQUENCE, templateCase(BenchmarkApplications.template(noSequence)));
			cases.put(STARTER_NO_JOURNAL, templateCase(BenchmarkApplications.template(noJournal)));
			List<String> names = new ArrayList<>(cases.keySet());
			int warmUp = 0;
			long compiled;
			do {
				warmUp++;
				long before = compilationMillis();
				producerRound(cases, names, 1 - warmUp, false);
				compiled = compilationMillis() - before;
				LosslessKafkaBenchmarks.log("cost producer warm-up round %d: the JIT compiled for %d ms", warmUp,
						compiled);
			}
			while (warmUp < MIN_WARM_UP_ROUNDS
					|| (compiled >= SETTLED_COMPILATION_MILLIS && warmUp < MAX_WARM_UP_ROUNDS));
			this.producerWarmUpRounds = warmUp;
			Recording recording = profile("bench.cost.profile");
			try {
				for (int round = 1; round <= this.producerRounds; round++) {
					producerRound(cases, names, round, true);
				}
			}
			finally {
				if (recording != null) {
					// writes the destination file
					recording.stop();
					recording.close();
				}
			}
		}
	}

	private void producerRound(Map<String, ProducerCase> cases, List<String> names, int round, boolean measured) {
		for (int size : this.producerRecords.keySet()) {
			Map<String, ProducerCost> costs = interleaved(cases, names, round, topic(size),
					this.producerRecords.get(size), size);
			for (Map.Entry<String, ProducerCost> entry : costs.entrySet()) {
				String name = entry.getKey();
				ProducerCost cost = entry.getValue();
				LosslessKafkaBenchmarks
					.log("cost producer %d B %s %s: sender %.0f ns, network %.0f ns, process %.0f ns (all cases), "
							+ "%.0f B allocated, %.1f B of batches per record, %.1f requests per 1,000 records, JIT %d ms, "
							+ "%.0f records/s (load %s)", size, measured ? "round " + round : "warm-up", name,
							cost.senderCpu(), cost.networkCpu(), cost.processCpu(), cost.allocated(), cost.wireBytes(),
							cost.requests(), cost.compilationMillis(), cost.recordsPerSecond(),
							MachineInfo.loadAverage());
				if (measured) {
					this.producers.computeIfAbsent(size, (key) -> new LinkedHashMap<>())
						.computeIfAbsent(name, (key) -> new ArrayList<>())
						.add(cost);
				}
			}
		}
	}

	/**
	 * One run of every case at once: the sending thread sends a block of records with
	 * each case in turn (the first case of a block moving on by one each block) until
	 * each case sent its records, then flushes each; the network threads of all the cases
	 * work at the same time. Every case thus runs under the same load, within a
	 * millisecond of the others, and the ratios between cases barely move with the
	 * machine's other work (run one after the other, a case's CPU time per record doubled
	 * from one run to the next on a loaded machine). The sending thread's CPU time and
	 * allocations are summed over each case's blocks and its flush; the network thread's
	 * and the producer's metrics are read before and after the run.
	 */
	private static Map<String, ProducerCost> interleaved(Map<String, ProducerCase> cases, List<String> names, int round,
			String topic, int records, int size) {
		byte[] value = new byte[size];
		Map<String, Meter> meters = new LinkedHashMap<>();
		for (String name : names) {
			meters.put(name, new Meter(cases.get(name)));
		}
		long compilation = compilationMillis();
		long processCpu = os.getProcessCpuTime();
		meters.values().forEach(Meter::start);
		int block = 0;
		for (int sent = 0; sent < records; sent += BLOCK, block++) {
			int count = Math.min(BLOCK, records - sent);
			for (int i = 0; i < names.size(); i++) {
				Meter meter = meters.get(names.get(Math.floorMod(i + block + round, names.size())));
				meter.send(topic, value, count);
			}
		}
		meters.values().forEach(Meter::flush);
		processCpu = os.getProcessCpuTime() - processCpu;
		compilation = compilationMillis() - compilation;
		Map<String, ProducerCost> costs = new LinkedHashMap<>();
		for (Map.Entry<String, Meter> entry : meters.entrySet()) {
			costs.put(entry.getKey(),
					entry.getValue().cost(records, (double) processCpu / (records * names.size()), compilation));
		}
		return costs;
	}

	/**
	 * Start a JFR recording of the measured rounds (a stack sample of every running Java
	 * thread every millisecond, and allocation samples) when the given system property
	 * names a file: {@code bench.cost.profile} for the producer rounds,
	 * {@code bench.cost.consumer-profile} for the consumer rounds, for finding what the
	 * starter's send or listener path spends.
	 */
	private static @Nullable Recording profile(String property) {
		String file = System.getProperty(property, "");
		if (file.isEmpty()) {
			return null;
		}
		Recording recording = new Recording();
		recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1)).withStackTrace();
		recording.enable("jdk.ObjectAllocationSample").withStackTrace();
		recording.setToDisk(true);
		try {
			recording.setDestination(Path.of(file));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		recording.start();
		return recording;
	}

	private static long compilationMillis() {
		return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
	}

	private void consumers(KafkaProcessCluster cluster, double scale, Map<String, String> topicConfigs)
			throws Exception {
		String bootstrapServers = cluster.bootstrapServers();
		String topic = "bench-cost-consumer";
		int records = LosslessKafkaBenchmarks.scaled(CONSUMER_RECORDS, scale);
		this.consumerRecords = records;
		cluster.createTopic(topic, 3, (short) 3, topicConfigs);
		try (ConfigurableApplicationContext filler = BenchmarkApplications.producer(bootstrapServers, true, 5,
				List.of(topic))) {
			ProducerCases.template(BenchmarkApplications.template(filler), topic, records, LosslessKafkaBenchmarks.KIB);
		}
		String[] boot = { "lossless.kafka.enabled=false", "spring.kafka.consumer.auto-offset-reset=earliest", CLASSIC };
		Map<String, ConsumerCase> cases = new LinkedHashMap<>();
		cases.put(RAW_CONSUMER, (probe) -> {
			Thread loop = new Thread(() -> ConsumerCases.rawLoop(bootstrapServers, topic, probe), "bench-cost-raw");
			loop.start();
			return loop::join;
		});
		// each listener has an id of its own, so its consumer thread has a name of its
		// own in a profile (bench-boot-record-0-C-1)
		cases.put(BOOT_RECORD, listener(bootstrapServers, topic, false, false, "bench-boot-record", boot));
		cases.put(BOOT_RECORD_READING_HEADER, listener(bootstrapServers, topic, false, false,
				"bench-boot-record-header", withProperty(boot, BenchmarkApplications.READ_HEADER + "=true")));
		cases.put(STARTER_RECORD, listener(bootstrapServers, topic, false, true, "bench-starter-record", CLASSIC));
		cases.put(STARTER_RECORD_NO_SEQUENCE,
				listener(bootstrapServers, topic, false, false, "bench-starter-record-nosequence", CLASSIC));
		cases.put(STARTER_RECORD_WRAPPED, listener(bootstrapServers, topic, false, true, "bench-starter-record-wrapped",
				CLASSIC, "spring.kafka.consumer.value-deserializer=" + WrappedBytesDeserializer.class.getName()));
		cases.put(BOOT_BATCH, listener(bootstrapServers, topic, true, false, "bench-boot-batch", boot));
		cases.put(BOOT_BATCH_READING_HEADER, listener(bootstrapServers, topic, true, false, "bench-boot-batch-header",
				withProperty(boot, BenchmarkApplications.READ_HEADER + "=true")));
		cases.put(STARTER_BATCH, listener(bootstrapServers, topic, true, true, "bench-starter-batch", CLASSIC));
		List<String> names = new ArrayList<>(cases.keySet());
		int warmUp = 0;
		long compiled;
		do {
			warmUp++;
			compiled = consumerRound(cases, names, 1 - warmUp, false, records);
			LosslessKafkaBenchmarks.log("cost consumer warm-up round %d: the JIT compiled for %d ms while consuming",
					warmUp, compiled);
		}
		while (warmUp < MIN_WARM_UP_ROUNDS || (compiled >= SETTLED_COMPILATION_MILLIS && warmUp < MAX_WARM_UP_ROUNDS));
		this.consumerWarmUpRounds = warmUp;
		Recording recording = profile("bench.cost.consumer-profile");
		try {
			for (int round = 1; round <= this.consumerRounds; round++) {
				consumerRound(cases, names, round, true, records);
			}
		}
		finally {
			if (recording != null) {
				recording.stop();
				recording.close();
			}
		}
	}

	/**
	 * Run every consumer case at once: each consumer waits at its first record for the
	 * others.
	 * @return the milliseconds the JIT compiled from the moment every consumer had its
	 * first record to the last record
	 */
	private long consumerRound(Map<String, ConsumerCase> cases, List<String> names, int round, boolean measured,
			int records) throws Exception {
		CountDownLatch start = new CountDownLatch(names.size());
		Map<String, BenchmarkApplications.ConsumptionProbe> probes = new LinkedHashMap<>();
		List<AutoCloseable> running = new ArrayList<>();
		try {
			for (int i = 0; i < names.size(); i++) {
				String name = names.get(Math.floorMod(i + round, names.size()));
				BenchmarkApplications.ConsumptionProbe probe = new BenchmarkApplications.ConsumptionProbe(records,
						start);
				probes.put(name, probe);
				running.add(cases.get(name).start(probe));
			}
			if (!start.await(CONSUMER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				throw new IllegalStateException(
						"The consumers did not start within " + CONSUMER_TIMEOUT_SECONDS + " s");
			}
			long compilation = compilationMillis();
			for (String name : names) {
				BenchmarkApplications.ConsumptionProbe probe = probes.get(name);
				Run run = probe.await(CONSUMER_TIMEOUT_SECONDS);
				ConsumerCost cost = new ConsumerCost(probe.cpuPerRecord(), probe.allocatedPerRecord(),
						run.recordsPerSecond());
				LosslessKafkaBenchmarks.log(
						"cost consumer %s %s: %.0f ns CPU, %.0f B allocated per record, %.0f records/s (load %s)",
						measured ? "round " + round : "warm-up", name, cost.cpu(), cost.allocated(),
						cost.recordsPerSecond(), MachineInfo.loadAverage());
				if (measured) {
					this.consumers.computeIfAbsent(name, (key) -> new ArrayList<>()).add(cost);
				}
			}
			return compilationMillis() - compilation;
		}
		finally {
			for (AutoCloseable closeable : running) {
				closeable.close();
			}
		}
	}

	private static String[] withProperty(String[] properties, String property) {
		List<String> all = new ArrayList<>(List.of(properties));
		all.add(property);
		return all.toArray(String[]::new);
	}

	private static ConsumerCase listener(String bootstrapServers, String topic, boolean batch, boolean sequence,
			String id, String... properties) {
		List<String> all = new ArrayList<>(List.of(properties));
		all.add("bench.listener-id=" + id);
		return (probe) -> BenchmarkApplications.consumer(bootstrapServers, sequence, batch, topic,
				ConsumerCases.newGroup(batch ? "bench-batch" : "bench-record"), probe,
				all.toArray(String[]::new))::close;
	}

	/**
	 * Return the median and its interval of one figure of one producer case.
	 * @param size the record size
	 * @param name the case
	 * @param figure the figure
	 * @return the median and its interval
	 */
	MedianInterval producer(int size, String name, ToDoubleFunction<ProducerCost> figure) {
		return MedianInterval.of(values(this.producers.get(size).get(name), figure));
	}

	/**
	 * Return the median and its interval of the ratio of one figure between two producer
	 * cases, paired by round (both ran in the same round, under the same load).
	 * @param size the record size
	 * @param name the case
	 * @param baseline the case it is compared with
	 * @param figure the figure
	 * @return the median ratio and its interval
	 */
	MedianInterval producerRatio(int size, String name, String baseline, ToDoubleFunction<ProducerCost> figure) {
		Map<String, List<ProducerCost>> cases = this.producers.get(size);
		return MedianInterval.of(ratios(values(cases.get(name), figure), values(cases.get(baseline), figure)));
	}

	MedianInterval consumer(String name, ToDoubleFunction<ConsumerCost> figure) {
		return MedianInterval.of(values(this.consumers.get(name), figure));
	}

	MedianInterval consumerRatio(String name, String baseline) {
		return MedianInterval.of(ratios(values(this.consumers.get(name), ConsumerCost::cpu),
				values(this.consumers.get(baseline), ConsumerCost::cpu)));
	}

	boolean hasProducers() {
		return !this.producers.isEmpty();
	}

	boolean hasConsumers() {
		return !this.consumers.isEmpty();
	}

	private static <T> double[] values(List<T> runs, ToDoubleFunction<T> figure) {
		return runs.stream().mapToDouble(figure).toArray();
	}

	private static double[] ratios(double[] numerators, double[] denominators) {
		double[] ratios = new double[Math.min(numerators.length, denominators.length)];
		for (int i = 0; i < ratios.length; i++) {
			ratios[i] = numerators[i] / denominators[i];
		}
		return ratios;
	}

	private static String topic(int size) {
		return "bench-cost-" + size;
	}

	private static ProducerCase rawCase(KafkaProducer<byte[], byte[]> producer) {
		AtomicLong failed = new AtomicLong();
		Callback callback = (metadata, exception) -> {
			if (exception != null) {
				failed.incrementAndGet();
			}
		};
		return new ProducerCase(producer, (topic, value) -> producer.send(new ProducerRecord<>(topic, value), callback),
				producer::flush, () -> failed.getAndSet(0));
	}

	private static ProducerCase oneHeaderCase(KafkaTemplate<byte[], byte[]> template) {
		List<Header> headers = List.of(new RecordHeader(SequenceStamp.HEADER, new byte[7]));
		Producer<?, ?> producer = template.execute((shared) -> shared);
		return new ProducerCase(producer,
				(topic, value) -> template
					.send(new ProducerRecord<byte[], byte[]>(topic, null, null, null, value, headers)),
				template::flush, () -> 0);
	}

	private static ProducerCase templateCase(KafkaTemplate<byte[], byte[]> template) {
		// the factory's one shared producer, for its metrics
		Producer<?, ?> producer = template.execute((shared) -> shared);
		return new ProducerCase(producer, template::send, template::flush, () -> 0);
	}

	/**
	 * What one case spends in one interleaved run: the sending thread's CPU time and
	 * allocations summed over the case's blocks, the network thread's and the producer's
	 * cumulative metrics before and after the run. {@code flush()} returns once every
	 * batch is acknowledged and its callbacks have run, so the network thread's work for
	 * these records is done.
	 */
	private static final class Meter {

		private final ProducerCase producerCase;

		private final Map<MetricName, ? extends Metric> metrics;

		private final List<Thread> network;

		private double batchBytes;

		private double outgoing;

		private double errors;

		private double sent;

		private double requests;

		private long networkCpu;

		private long networkAllocated;

		private long senderCpu;

		private long senderAllocated;

		private long elapsed;

		Meter(ProducerCase producerCase) {
			this.producerCase = producerCase;
			this.metrics = producerCase.producer().metrics();
			this.network = Footprint.networkThreads(Footprint.clientId(this.metrics));
		}

		void start() {
			this.batchBytes = -optionalMetric(this.metrics, "producer-topic-metrics", "byte-total");
			this.outgoing = -Footprint.metric(this.metrics, "producer-metrics", "outgoing-byte-total");
			this.errors = -Footprint.metric(this.metrics, "producer-metrics", "record-error-total");
			this.sent = -Footprint.metric(this.metrics, "producer-metrics", "record-send-total");
			this.requests = -Footprint.metric(this.metrics, "producer-metrics", "request-total");
			this.networkCpu = -cpu(this.network);
			this.networkAllocated = -Footprint.allocated(this.network);
		}

		void send(String topic, byte[] value, int count) {
			long allocated = Footprint.allocatedByThisThread();
			long cpu = threads.getCurrentThreadCpuTime();
			long start = System.nanoTime();
			for (int i = 0; i < count; i++) {
				this.producerCase.sender().accept(topic, value);
			}
			this.elapsed += System.nanoTime() - start;
			this.senderCpu += threads.getCurrentThreadCpuTime() - cpu;
			this.senderAllocated += Footprint.allocatedByThisThread() - allocated;
		}

		void flush() {
			long allocated = Footprint.allocatedByThisThread();
			long cpu = threads.getCurrentThreadCpuTime();
			long start = System.nanoTime();
			this.producerCase.flusher().run();
			this.elapsed += System.nanoTime() - start;
			this.senderCpu += threads.getCurrentThreadCpuTime() - cpu;
			this.senderAllocated += Footprint.allocatedByThisThread() - allocated;
			this.networkCpu += cpu(this.network);
			this.networkAllocated += Footprint.allocated(this.network);
		}

		ProducerCost cost(int records, double processCpu, long compilation) {
			double errors = this.errors + Footprint.metric(this.metrics, "producer-metrics", "record-error-total")
					+ this.producerCase.failures().getAsLong();
			double sent = this.sent + Footprint.metric(this.metrics, "producer-metrics", "record-send-total");
			if (errors > 0 || sent != records) {
				throw new IllegalStateException(errors + " of " + records + " sends failed, " + sent + " sent");
			}
			return new ProducerCost((double) this.senderCpu / records, (double) this.networkCpu / records, processCpu,
					(double) (this.senderAllocated + this.networkAllocated) / records,
					(this.batchBytes + optionalMetric(this.metrics, "producer-topic-metrics", "byte-total")) / records,
					(this.outgoing + Footprint.metric(this.metrics, "producer-metrics", "outgoing-byte-total"))
							/ records,
					(this.requests + Footprint.metric(this.metrics, "producer-metrics", "request-total")) * 1000
							/ records,
					records * 1e9 / this.elapsed, compilation);
		}

	}

	private static double optionalMetric(Map<MetricName, ? extends Metric> metrics, String group, String name) {
		// the topic metrics appear with the first send to a topic
		for (MetricName metricName : metrics.keySet()) {
			if (metricName.group().equals(group) && metricName.name().equals(name)) {
				return Footprint.metric(metrics, group, name);
			}
		}
		return 0;
	}

	private static long cpu(List<Thread> network) {
		long nanos = 0;
		for (Thread thread : network) {
			nanos += threads.getThreadCpuTime(thread.getId());
		}
		return nanos;
	}

	/**
	 * One consumer case: starts consuming the topic in a new group, reporting to the
	 * probe, and returns what stops it.
	 */
	interface ConsumerCase {

		AutoCloseable start(BenchmarkApplications.ConsumptionProbe probe) throws Exception;

	}

	/**
	 * One producer case: how it sends one record and flushes.
	 *
	 * @param producer the producer, for its metrics and its network thread
	 * @param sender sends one record to a topic
	 * @param flusher flushes
	 * @param failures returns the sends that failed since it was last called and that the
	 * client's metrics do not count
	 */
	record ProducerCase(Producer<?, ?> producer, BiConsumer<String, byte[]> sender, Runnable flusher,
			LongSupplier failures) {

	}

	/**
	 * What sending one record cost in one run, per record.
	 *
	 * @param senderCpu CPU nanoseconds of the sending thread
	 * @param networkCpu CPU nanoseconds of the producer's network thread (the client's
	 * work and the completion callbacks)
	 * @param processCpu CPU nanoseconds of the whole benchmark JVM per record of the
	 * run's cases together (GC and JIT included; noisier)
	 * @param allocated bytes allocated by the sending and the network thread
	 * @param wireBytes bytes of record batches (what the log stores)
	 * @param outgoingBytes bytes sent to the brokers (requests included)
	 * @param requests produce requests per 1,000 records
	 * @param recordsPerSecond records per second of the case's own blocks and flush
	 * (secondary)
	 * @param compilationMillis milliseconds the JIT compiled during the run
	 */
	record ProducerCost(double senderCpu, double networkCpu, double processCpu, double allocated, double wireBytes,
			double outgoingBytes, double requests, double recordsPerSecond, long compilationMillis) {

		double clientCpu() {
			return this.senderCpu + this.networkCpu;
		}
	}

	/**
	 * What consuming one record cost in one run, per record.
	 *
	 * @param cpu CPU nanoseconds of the consuming thread
	 * @param allocated bytes the consuming thread allocated
	 * @param recordsPerSecond throughput (secondary)
	 */
	record ConsumerCost(double cpu, double allocated, double recordsPerSecond) {

	}

}
