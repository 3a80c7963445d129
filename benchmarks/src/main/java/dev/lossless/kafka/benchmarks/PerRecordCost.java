package dev.lossless.kafka.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

import dev.lossless.kafka.testcluster.KafkaProcessCluster;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * What the client itself spends per record, in figures that barely move with the
 * machine's other load: CPU time of the sending thread and of the producer's network
 * thread ({@code ThreadMXBean#getThreadCpuTime}), bytes they allocate, and bytes of
 * record batches on the wire; for consumers the CPU time and allocations of the consuming
 * thread ({@code group.protocol=classic}, so the consumer's work is on that thread).
 * Every case runs in the same process against the same cluster with the same settings, in
 * interleaved rounds; each producer is long-lived and its cumulative metrics are read
 * before and after each run.
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

	static final String RAW_CONSUMER = "raw poll/commitSync loop";

	static final String BOOT_RECORD = "Boot record listener, starter off";

	static final String STARTER_RECORD = "starter record listener, gap detection on";

	static final String STARTER_RECORD_NO_SEQUENCE = "starter record listener, sequence off";

	static final String BOOT_BATCH = "Boot batch listener, starter off";

	static final String STARTER_BATCH = "starter batch listener, gap detection on";

	private static final int PRODUCER_RECORDS_SMALL = 100_000;

	private static final int PRODUCER_RECORDS_KIB = 40_000;

	private static final int CONSUMER_RECORDS = 60_000;

	private static final int WARM_UP_ROUNDS = 3;

	private static final int CONSUMER_WARM_UP_ROUNDS = 2;

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
		producers(cluster, scale, topicConfigs);
		consumers(cluster, scale, topicConfigs);
	}

	private void producers(KafkaProcessCluster cluster, double scale, Map<String, String> topicConfigs)
			throws Exception {
		String bootstrapServers = cluster.bootstrapServers();
		this.producerRecords.put(LosslessKafkaBenchmarks.SMALL,
				LosslessKafkaBenchmarks.scaled(PRODUCER_RECORDS_SMALL, scale));
		this.producerRecords.put(LosslessKafkaBenchmarks.KIB,
				LosslessKafkaBenchmarks.scaled(PRODUCER_RECORDS_KIB, scale));
		List<String> topics = new ArrayList<>();
		for (int size : this.producerRecords.keySet()) {
			String topic = topic(size);
			cluster.createTopic(topic, 3, (short) 3, topicConfigs);
			topics.add(topic);
		}
		Map<String, Object> settings = ProducerCases.settings(bootstrapServers, "all", true, 5);
		try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(settings, new ByteArraySerializer(),
				new ByteArraySerializer());
				ConfigurableApplicationContext boot = BenchmarkApplications.producerWithoutStarter(bootstrapServers);
				ConfigurableApplicationContext starter = BenchmarkApplications.producer(bootstrapServers, true, 5,
						topics);
				ConfigurableApplicationContext noSequence = BenchmarkApplications.producer(bootstrapServers, false, 5,
						topics);
				ConfigurableApplicationContext noJournal = BenchmarkApplications.producer(bootstrapServers, true, 5,
						topics, "lossless.kafka.producer.journal.enabled=false")) {
			Map<String, ProducerCase> cases = new LinkedHashMap<>();
			cases.put(RAW, rawCase(raw));
			cases.put(BOOT, templateCase(BenchmarkApplications.template(boot)));
			cases.put(STARTER, templateCase(BenchmarkApplications.template(starter)));
			cases.put(STARTER_NO_SEQUENCE, templateCase(BenchmarkApplications.template(noSequence)));
			cases.put(STARTER_NO_JOURNAL, templateCase(BenchmarkApplications.template(noJournal)));
			List<String> names = new ArrayList<>(cases.keySet());
			for (int round = 1 - WARM_UP_ROUNDS; round <= this.producerRounds; round++) {
				for (int size : this.producerRecords.keySet()) {
					for (int i = 0; i < names.size(); i++) {
						String name = names.get(Math.floorMod(i + round, names.size()));
						ProducerCost cost = cases.get(name).run(topic(size), this.producerRecords.get(size), size);
						LosslessKafkaBenchmarks.log(
								"cost producer %d B %s %s: sender %.0f ns, network %.0f ns, process %.0f ns, %.0f B "
										+ "allocated, %.1f B of batches per record, %.0f records/s (load %s)",
								size, (round < 1) ? "warm-up" : "round " + round, name, cost.senderCpu(),
								cost.networkCpu(), cost.processCpu(), cost.allocated(), cost.wireBytes(),
								cost.recordsPerSecond(), MachineInfo.loadAverage());
						if (round >= 1) {
							this.producers.computeIfAbsent(size, (key) -> new LinkedHashMap<>())
								.computeIfAbsent(name, (key) -> new ArrayList<>())
								.add(cost);
						}
					}
				}
			}
		}
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
		Map<String, LosslessKafkaBenchmarks.ConsumerFootprintCase> cases = new LinkedHashMap<>();
		cases.put(RAW_CONSUMER, (probe) -> ConsumerCases.rawLoop(bootstrapServers, topic, probe));
		cases.put(BOOT_RECORD, (probe) -> ConsumerCases.starter(bootstrapServers, topic, probe, false, false, boot));
		cases.put(STARTER_RECORD,
				(probe) -> ConsumerCases.starter(bootstrapServers, topic, probe, false, true, CLASSIC));
		cases.put(STARTER_RECORD_NO_SEQUENCE,
				(probe) -> ConsumerCases.starter(bootstrapServers, topic, probe, false, false, CLASSIC));
		cases.put(BOOT_BATCH, (probe) -> ConsumerCases.starter(bootstrapServers, topic, probe, true, false, boot));
		cases.put(STARTER_BATCH, (probe) -> ConsumerCases.starter(bootstrapServers, topic, probe, true, true, CLASSIC));
		List<String> names = new ArrayList<>(cases.keySet());
		for (int round = 1 - CONSUMER_WARM_UP_ROUNDS; round <= this.consumerRounds; round++) {
			for (int i = 0; i < names.size(); i++) {
				String name = names.get(Math.floorMod(i + round, names.size()));
				BenchmarkApplications.ConsumptionProbe probe = new BenchmarkApplications.ConsumptionProbe(records);
				Run run = cases.get(name).run(probe);
				ConsumerCost cost = new ConsumerCost(probe.cpuPerRecord(), probe.allocatedPerRecord(),
						run.recordsPerSecond());
				LosslessKafkaBenchmarks.log(
						"cost consumer %s %s: %.0f ns CPU, %.0f B allocated per record, %.0f records/s (load %s)",
						(round < 1) ? "warm-up" : "round " + round, name, cost.cpu(), cost.allocated(),
						cost.recordsPerSecond(), MachineInfo.loadAverage());
				if (round >= 1) {
					this.consumers.computeIfAbsent(name, (key) -> new ArrayList<>()).add(cost);
				}
			}
		}
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
		return (topic, records, size) -> {
			byte[] value = new byte[size];
			return measure(producer, records, () -> {
				for (int i = 0; i < records; i++) {
					producer.send(new ProducerRecord<>(topic, value), callback);
				}
				producer.flush();
			}, failed);
		};
	}

	private static ProducerCase templateCase(KafkaTemplate<byte[], byte[]> template) {
		return (topic, records, size) -> {
			byte[] value = new byte[size];
			return template.execute((producer) -> measure(producer, records, () -> {
				for (int i = 0; i < records; i++) {
					template.send(topic, value);
				}
				template.flush();
			}, new AtomicLong()));
		};
	}

	/**
	 * Measure one run: thread CPU and allocations before and after, and the deltas of the
	 * producer's cumulative metrics. {@code flush()} returns once every batch is
	 * acknowledged and its callbacks have run, so the network thread's work for these
	 * records is done.
	 */
	private static ProducerCost measure(Producer<?, ?> producer, int records, Runnable sends, AtomicLong failed) {
		Map<MetricName, ? extends Metric> metrics = producer.metrics();
		List<Thread> network = Footprint.networkThreads(Footprint.clientId(metrics));
		double batchBytesBefore = optionalMetric(metrics, "producer-topic-metrics", "byte-total");
		double outgoingBefore = Footprint.metric(metrics, "producer-metrics", "outgoing-byte-total");
		double errorsBefore = Footprint.metric(metrics, "producer-metrics", "record-error-total");
		double sentBefore = Footprint.metric(metrics, "producer-metrics", "record-send-total");
		long processCpu = os.getProcessCpuTime();
		long networkCpu = cpu(network);
		long networkAllocated = Footprint.allocated(network);
		long senderAllocated = Footprint.allocatedByThisThread();
		long senderCpu = threads.getCurrentThreadCpuTime();
		long start = System.nanoTime();
		sends.run();
		long elapsed = System.nanoTime() - start;
		senderCpu = threads.getCurrentThreadCpuTime() - senderCpu;
		senderAllocated = Footprint.allocatedByThisThread() - senderAllocated;
		networkCpu = cpu(network) - networkCpu;
		networkAllocated = Footprint.allocated(network) - networkAllocated;
		processCpu = os.getProcessCpuTime() - processCpu;
		double errors = Footprint.metric(metrics, "producer-metrics", "record-error-total") - errorsBefore
				+ failed.getAndSet(0);
		double sent = Footprint.metric(metrics, "producer-metrics", "record-send-total") - sentBefore;
		if (errors > 0 || sent != records) {
			throw new IllegalStateException(errors + " of " + records + " sends failed, " + sent + " sent");
		}
		return new ProducerCost((double) senderCpu / records, (double) networkCpu / records,
				(double) processCpu / records, (double) (senderAllocated + networkAllocated) / records,
				(optionalMetric(metrics, "producer-topic-metrics", "byte-total") - batchBytesBefore) / records,
				(Footprint.metric(metrics, "producer-metrics", "outgoing-byte-total") - outgoingBefore) / records,
				records * 1e9 / elapsed);
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

	interface ProducerCase {

		ProducerCost run(String topic, int records, int recordSize);

	}

	/**
	 * What sending one record cost in one run, per record.
	 *
	 * @param senderCpu CPU nanoseconds of the sending thread
	 * @param networkCpu CPU nanoseconds of the producer's network thread (the client's
	 * work and the completion callbacks)
	 * @param processCpu CPU nanoseconds of the whole benchmark JVM (GC and JIT included;
	 * noisier)
	 * @param allocated bytes allocated by the sending and the network thread
	 * @param wireBytes bytes of record batches (what the log stores)
	 * @param outgoingBytes bytes sent to the brokers (requests included)
	 * @param recordsPerSecond throughput from the first send to the flush (secondary)
	 */
	record ProducerCost(double senderCpu, double networkCpu, double processCpu, double allocated, double wireBytes,
			double outgoingBytes, double recordsPerSecond) {

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
