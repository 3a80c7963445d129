package dev.lossless.kafka.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.tools.ProducerPerformance;

import org.springframework.kafka.core.KafkaTemplate;

/**
 * The producer cases: Kafka's {@code ProducerPerformance}, the raw {@link KafkaProducer}
 * and the starter's {@link KafkaTemplate}, all sending unkeyed records of random bytes
 * from one thread as fast as the client takes them, measuring throughput from the first
 * send to the last acknowledgement and the latency of each record from its send to its
 * acknowledgement.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
final class ProducerCases {

	/**
	 * The {@code batch.size} of every producer (the client's default).
	 */
	static final int BATCH_SIZE = 16384;

	private static final long ACK_TIMEOUT_SECONDS = 600;

	// 100000 records sent, 16543.2 records/sec (16.16 MB/sec), 812.00 ms avg latency,
	// 1200.00 ms max latency, 790 ms 50th, 1100 ms 95th, 1180 ms 99th, 1195 ms 99.9th.
	private static final Pattern PERF_TOTAL = Pattern.compile("^(\\d+) records sent, ([\\d.]+) records/sec "
			+ "\\(([\\d.]+) MB/sec\\), ([\\d.]+) ms avg latency, ([\\d.]+) ms max latency, (\\d+) ms 50th, "
			+ "(\\d+) ms 95th, (\\d+) ms 99th, (\\d+) ms 99.9th\\.$");

	private ProducerCases() {
	}

	/**
	 * The hardened producer settings: {@code acks=all}, idempotence, at most 5 requests
	 * in flight, and the given linger.
	 * @param bootstrapServers the brokers
	 * @param acks the {@code acks} setting
	 * @param idempotence whether idempotence is on
	 * @param lingerMs the {@code linger.ms}
	 * @return the settings
	 */
	static Map<String, Object> settings(String bootstrapServers, String acks, boolean idempotence, int lingerMs) {
		Map<String, Object> settings = new HashMap<>();
		settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		settings.put(ProducerConfig.ACKS_CONFIG, acks);
		settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Boolean.toString(idempotence));
		settings.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
		settings.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(lingerMs));
		settings.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(BATCH_SIZE));
		return settings;
	}

	/**
	 * Run Kafka's {@code ProducerPerformance} in this JVM (its {@code main}), with its
	 * output captured and parsed. In this JVM rather than a child JVM so that it runs on
	 * the same warmed-up JIT, heap and process as the other cases; a fresh JVM per run
	 * would measure its first, half-speed run every time.
	 * @param settings the producer settings
	 * @param topic the topic
	 * @param records the number of records
	 * @param recordSize the size of each record value
	 * @return the measured run
	 */
	static Run perfTool(Map<String, Object> settings, String topic, int records, int recordSize) {
		List<String> arguments = new ArrayList<>(List.of("--topic", topic, "--num-records", Integer.toString(records),
				"--record-size", Integer.toString(recordSize), "--throughput", "-1", "--producer-props"));
		settings.forEach((key, value) -> arguments.add(key + "=" + value));
		ByteArrayOutputStream captured = new ByteArrayOutputStream();
		PrintStream original = System.out;
		System.setOut(new PrintStream(new TeeOutputStream(original, captured), true, StandardCharsets.UTF_8));
		try {
			ProducerPerformance.main(arguments.toArray(String[]::new));
		}
		catch (Exception ex) {
			throw new IllegalStateException("ProducerPerformance failed", ex);
		}
		finally {
			System.setOut(original);
		}
		for (String line : captured.toString(StandardCharsets.UTF_8).split("\\R")) {
			Matcher matcher = PERF_TOTAL.matcher(line.trim());
			if (matcher.matches()) {
				long sent = Long.parseLong(matcher.group(1));
				double perSecond = Double.parseDouble(matcher.group(2));
				long nanos = Math.round(sent / perSecond * 1e9);
				return new Run(sent, sent * recordSize, nanos, Double.parseDouble(matcher.group(6)),
						Double.parseDouble(matcher.group(8)), Double.parseDouble(matcher.group(9)));
			}
		}
		throw new IllegalStateException("No total in the output of ProducerPerformance:\n" + captured);
	}

	/**
	 * Send with a new raw {@link KafkaProducer}. Its metadata for the topic is fetched
	 * before the clock starts, as the starter's long-lived producer already has it.
	 * @param settings the producer settings
	 * @param topic the topic
	 * @param records the number of records
	 * @param recordSize the size of each record value
	 * @return the measured run
	 * @throws InterruptedException if interrupted while waiting for acknowledgements
	 */
	static Run raw(Map<String, Object> settings, String topic, int records, int recordSize)
			throws InterruptedException {
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings, new ByteArraySerializer(),
				new ByteArraySerializer())) {
			producer.partitionsFor(topic);
			SplittableRandom random = new SplittableRandom(0);
			Latencies latencies = new Latencies(records);
			long start = System.nanoTime();
			for (int i = 0; i < records; i++) {
				int index = i;
				long sentAt = System.nanoTime();
				producer.send(new ProducerRecord<>(topic, payload(random, recordSize)),
						(metadata, exception) -> latencies.completed(index, sentAt, exception));
			}
			latencies.await(ACK_TIMEOUT_SECONDS);
			long elapsed = System.nanoTime() - start;
			return latencies.toRun(records, (long) records * recordSize, elapsed);
		}
	}

	/**
	 * Send through the starter's {@link KafkaTemplate}: {@code send(topic, value)} and
	 * the returned future.
	 * @param template the application's template
	 * @param topic the topic
	 * @param records the number of records
	 * @param recordSize the size of each record value
	 * @return the measured run
	 * @throws InterruptedException if interrupted while waiting for acknowledgements
	 */
	static Run template(KafkaTemplate<byte[], byte[]> template, String topic, int records, int recordSize)
			throws InterruptedException {
		SplittableRandom random = new SplittableRandom(0);
		Latencies latencies = new Latencies(records);
		long start = System.nanoTime();
		for (int i = 0; i < records; i++) {
			int index = i;
			long sentAt = System.nanoTime();
			template.send(topic, payload(random, recordSize))
				.whenComplete((result, exception) -> latencies.completed(index, sentAt, exception));
		}
		latencies.await(ACK_TIMEOUT_SECONDS);
		long elapsed = System.nanoTime() - start;
		return latencies.toRun(records, (long) records * recordSize, elapsed);
	}

	/**
	 * Return a new value of random upper-case letters, as {@code ProducerPerformance}
	 * makes them (it refills one array; a new array per record is what an application
	 * does).
	 */
	private static byte[] payload(SplittableRandom random, int size) {
		byte[] payload = new byte[size];
		for (int i = 0; i < size; i++) {
			payload[i] = (byte) (random.nextInt(26) + 65);
		}
		return payload;
	}

	private static final class TeeOutputStream extends OutputStream {

		private final OutputStream first;

		private final OutputStream second;

		TeeOutputStream(OutputStream first, OutputStream second) {
			this.first = first;
			this.second = second;
		}

		@Override
		public void write(int b) throws java.io.IOException {
			this.first.write(b);
			this.second.write(b);
		}

		@Override
		public void write(byte[] b, int off, int len) throws java.io.IOException {
			this.first.write(b, off, len);
			this.second.write(b, off, len);
		}

		@Override
		public void flush() throws java.io.IOException {
			this.first.flush();
			this.second.flush();
		}

	}

}
