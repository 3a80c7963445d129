package dev.lossless.kafka.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * What one record costs, measured without depending on a quiet machine: the bytes the
 * sending thread and the producer's network thread allocate per record (the JVM's
 * per-thread allocation counters), and what the client puts on the wire (its own metrics:
 * bytes of record batches per record, batch size, records per produce request). Each run
 * uses a new producer, so that the client's windowed averages cover that run alone; the
 * same value array is sent every time, so that the loop itself allocates nothing but the
 * record an application has to create.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
final class Footprint {

	private static final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	private static final String NETWORK_THREAD = "kafka-producer-network-thread | ";

	private Footprint() {
	}

	/**
	 * Send with a new raw {@link KafkaProducer}, one shared callback, then flush.
	 * @param settings the producer settings
	 * @param topic the topic
	 * @param records the number of records
	 * @param recordSize the size of each record value
	 * @return what the run cost
	 */
	static ProducerFootprint raw(Map<String, Object> settings, String topic, int records, int recordSize) {
		byte[] value = new byte[recordSize];
		AtomicLong failed = new AtomicLong();
		Callback callback = (metadata, exception) -> {
			if (exception != null) {
				failed.incrementAndGet();
			}
		};
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings, new ByteArraySerializer(),
				new ByteArraySerializer())) {
			producer.partitionsFor(topic);
			return measure(producer, records, () -> {
				for (int i = 0; i < records; i++) {
					producer.send(new ProducerRecord<>(topic, value), callback);
				}
				producer.flush();
			}, failed);
		}
	}

	/**
	 * Send through an application's {@link KafkaTemplate} ({@code send(topic, value)}),
	 * then flush. The factory's producer is closed first, so that the run gets a new one.
	 * @param template the application's template
	 * @param factory its producer factory
	 * @param topic the topic
	 * @param records the number of records
	 * @param recordSize the size of each record value
	 * @return what the run cost
	 */
	static ProducerFootprint template(KafkaTemplate<byte[], byte[]> template, DefaultKafkaProducerFactory<?, ?> factory,
			String topic, int records, int recordSize) {
		byte[] value = new byte[recordSize];
		factory.reset();
		template.partitionsFor(topic);
		return template.execute((producer) -> measure(producer, records, () -> {
			for (int i = 0; i < records; i++) {
				template.send(topic, value);
			}
			template.flush();
		}, new AtomicLong()));
	}

	private static ProducerFootprint measure(Producer<?, ?> producer, int records, Runnable sends, AtomicLong failed) {
		String clientId = clientId(producer.metrics());
		List<Thread> network = networkThreads(clientId);
		long sender = Thread.currentThread().getId();
		long networkBefore = allocated(network);
		long senderBefore = threads.getThreadAllocatedBytes(sender);
		sends.run();
		long senderBytes = threads.getThreadAllocatedBytes(sender) - senderBefore;
		long networkBytes = allocated(network) - networkBefore;
		Map<MetricName, ? extends Metric> metrics = producer.metrics();
		long errors = (long) metric(metrics, "producer-metrics", "record-error-total") + failed.get();
		if (errors > 0) {
			throw new IllegalStateException(errors + " of " + records + " sends failed");
		}
		double batchBytes = metric(metrics, "producer-topic-metrics", "byte-total");
		double batchSize = metric(metrics, "producer-metrics", "batch-size-avg");
		return new ProducerFootprint(records, (double) senderBytes / records, (double) networkBytes / records,
				batchBytes / records, metric(metrics, "producer-metrics", "outgoing-byte-total") / records, batchSize,
				batchBytes / batchSize, metric(metrics, "producer-metrics", "records-per-request-avg"));
	}

	static String clientId(Map<MetricName, ? extends Metric> metrics) {
		for (MetricName name : metrics.keySet()) {
			String clientId = name.tags().get("client-id");
			if ("producer-metrics".equals(name.group()) && clientId != null) {
				return clientId;
			}
		}
		throw new IllegalStateException("No client-id in the producer's metrics");
	}

	static List<Thread> networkThreads(String clientId) {
		List<Thread> network = new ArrayList<>();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.getName().equals(NETWORK_THREAD + clientId)) {
				network.add(thread);
			}
		}
		if (network.isEmpty()) {
			throw new IllegalStateException("No network thread of producer " + clientId);
		}
		return network;
	}

	static long allocated(List<Thread> network) {
		long bytes = 0;
		for (Thread thread : network) {
			bytes += threads.getThreadAllocatedBytes(thread.getId());
		}
		return bytes;
	}

	/**
	 * Return the bytes the current thread allocated so far.
	 * @return the bytes
	 */
	static long allocatedByThisThread() {
		return threads.getThreadAllocatedBytes(Thread.currentThread().getId());
	}

	/**
	 * Return the CPU time the current thread used so far.
	 * @return the nanoseconds
	 */
	static long cpuOfThisThread() {
		return threads.getCurrentThreadCpuTime();
	}

	static double metric(Map<MetricName, ? extends Metric> metrics, String group, String name) {
		double sum = 0;
		boolean found = false;
		for (Map.Entry<MetricName, ? extends Metric> entry : metrics.entrySet()) {
			MetricName metricName = entry.getKey();
			if (metricName.group().equals(group) && metricName.name().equals(name)) {
				sum += ((Number) entry.getValue().metricValue()).doubleValue();
				found = true;
			}
		}
		if (!found) {
			throw new IllegalStateException("No metric " + group + ":" + name);
		}
		return sum;
	}

	/**
	 * What sending one record cost in one run.
	 *
	 * @param records the records sent
	 * @param senderBytes bytes allocated per record by the sending thread
	 * @param networkBytes bytes allocated per record by the producer's network thread
	 * (the client's work and the completion callbacks)
	 * @param batchBytes bytes of record batches per record (what the log stores)
	 * @param outgoingBytes bytes sent to the brokers per record (requests included)
	 * @param batchSize the average batch size in bytes
	 * @param batches the number of batches
	 * @param recordsPerRequest the average number of records per produce request
	 */
	record ProducerFootprint(long records, double senderBytes, double networkBytes, double batchBytes,
			double outgoingBytes, double batchSize, double batches, double recordsPerRequest) {

	}

	/**
	 * The footprint runs of one case, with the median of each figure.
	 */
	static final class Cases {

		private final String name;

		private final List<ProducerFootprint> runs = new ArrayList<>();

		Cases(String name) {
			this.name = name;
		}

		String name() {
			return this.name;
		}

		void add(ProducerFootprint run) {
			this.runs.add(run);
		}

		double median(ToDoubleFunction<ProducerFootprint> figure) {
			double[] values = this.runs.stream().mapToDouble(figure).sorted().toArray();
			if (values.length == 0) {
				return Double.NaN;
			}
			int middle = values.length / 2;
			return (values.length % 2 == 1) ? values[middle] : (values[middle - 1] + values[middle]) / 2;
		}

	}

}
