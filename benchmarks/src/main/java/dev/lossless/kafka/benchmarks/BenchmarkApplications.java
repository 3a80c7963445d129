package dev.lossless.kafka.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

import dev.lossless.kafka.sequence.SequenceStamp;
import dev.lossless.kafka.testcluster.PostgresServer;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The Spring Boot applications the starter cases run: plain Boot applications with the
 * starter on the class path and every default feature on, as a user would write them.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
final class BenchmarkApplications {

	/**
	 * The property that makes a listener read each record's stamp header.
	 */
	static final String READ_HEADER = "bench.read-header";

	private static final String NO_DATA_SOURCE = "spring.autoconfigure.exclude="
			+ "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration";

	private BenchmarkApplications() {
	}

	/**
	 * Start an application that writes to the transactional outbox of a PostgreSQL
	 * database, with the relay publishing its rows.
	 * @param bootstrapServers the brokers
	 * @param jdbcUrl the database
	 * @param batchSize the relay's batch size
	 * @param topic the topic it publishes to, audited at startup
	 * @return the running application
	 */
	static ConfigurableApplicationContext outbox(String bootstrapServers, String jdbcUrl, int batchSize, String topic) {
		List<String> properties = common(bootstrapServers, true, 5);
		properties.remove(NO_DATA_SOURCE);
		properties.add("lossless.kafka.topics.verify=" + topic);
		properties.add("spring.datasource.url=" + jdbcUrl);
		properties.add("spring.datasource.username=" + PostgresServer.USER);
		properties.add("lossless.kafka.outbox.initialize-schema=always");
		properties.add("lossless.kafka.outbox.batch-size=" + batchSize);
		return start(ProducerApplication.class, properties, null);
	}

	/**
	 * Start an application that only sends.
	 * @param bootstrapServers the brokers
	 * @param sequence whether sequence stamping is on
	 * @param lingerMs the producer's {@code linger.ms}
	 * @param topics the topics it sends to, audited at startup
	 * @param extraProperties more application properties
	 * @return the running application
	 */
	static ConfigurableApplicationContext producer(String bootstrapServers, boolean sequence, int lingerMs,
			List<String> topics, String... extraProperties) {
		List<String> properties = common(bootstrapServers, sequence, lingerMs);
		properties.addAll(List.of(extraProperties));
		properties.add("lossless.kafka.topics.verify=" + String.join(",", topics));
		return start(ProducerApplication.class, properties, null);
	}

	/**
	 * Start an application that only sends, with the starter turned off
	 * ({@code lossless.kafka.enabled=false}): Spring Boot's and spring-kafka's own cost.
	 * @param bootstrapServers the brokers
	 * @return the running application
	 */
	static ConfigurableApplicationContext producerWithoutStarter(String bootstrapServers) {
		return producerWithoutStarter(bootstrapServers, 5);
	}

	/**
	 * Start an application that only sends, with the starter turned off.
	 * @param bootstrapServers the brokers
	 * @param lingerMs the producer's {@code linger.ms}
	 * @return the running application
	 */
	static ConfigurableApplicationContext producerWithoutStarter(String bootstrapServers, int lingerMs) {
		List<String> properties = common(bootstrapServers, false, lingerMs);
		properties.add("lossless.kafka.enabled=false");
		return start(ProducerApplication.class, properties, null);
	}

	/**
	 * Start an application with one listener (record or batch) that consumes a topic in a
	 * new consumer group and reports to a probe.
	 * @param bootstrapServers the brokers
	 * @param sequence whether gap detection is on
	 * @param batch whether the listener is a batch listener
	 * @param topic the topic
	 * @param group the consumer group
	 * @param probe the probe counting what the listener processed
	 * @return the running application
	 */
	static ConfigurableApplicationContext consumer(String bootstrapServers, boolean sequence, boolean batch,
			String topic, String group, ConsumptionProbe probe, String... extraProperties) {
		List<String> properties = common(bootstrapServers, sequence, 5);
		properties.addAll(List.of(extraProperties));
		properties.add("bench.topic=" + topic);
		properties.add("bench.group=" + group);
		if (batch) {
			properties.add("spring.kafka.listener.type=batch");
		}
		return start(batch ? BatchListenerApplication.class : RecordListenerApplication.class, properties, probe);
	}

	@SuppressWarnings("unchecked")
	static KafkaTemplate<byte[], byte[]> template(ConfigurableApplicationContext context) {
		return context.getBean(KafkaTemplate.class);
	}

	/**
	 * Return the producer settings the application's producer factory holds, after the
	 * starter's customizers.
	 * @param context the application
	 * @return the configuration properties
	 */
	static Map<String, Object> producerSettings(ConfigurableApplicationContext context) {
		return context.getBean(DefaultKafkaProducerFactory.class).getConfigurationProperties();
	}

	private static List<String> common(String bootstrapServers, boolean sequence, int lingerMs) {
		List<String> properties = new ArrayList<>();
		properties.add("spring.kafka.bootstrap-servers=" + bootstrapServers);
		properties
			.add("spring.kafka.producer.key-serializer=org.apache.kafka.common.serialization.ByteArraySerializer");
		properties
			.add("spring.kafka.producer.value-serializer=org.apache.kafka.common.serialization.ByteArraySerializer");
		properties.add("spring.kafka.producer.batch-size=" + ProducerCases.BATCH_SIZE);
		properties.add("spring.kafka.producer.properties.linger.ms=" + lingerMs);
		properties
			.add("spring.kafka.consumer.key-deserializer=org.apache.kafka.common.serialization.ByteArrayDeserializer");
		properties.add(
				"spring.kafka.consumer.value-deserializer=org.apache.kafka.common.serialization.ByteArrayDeserializer");
		properties.add("lossless.kafka.sequence.enabled=" + sequence);
		properties.add("spring.main.banner-mode=off");
		// only the outbox case has a database
		properties.add(NO_DATA_SOURCE);
		properties.add("logging.level.root=WARN");
		try {
			properties.add(
					"lossless.kafka.producer.journal.directory=" + Files.createTempDirectory("lossless-bench-journal"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return properties;
	}

	private static ConfigurableApplicationContext start(Class<?> application, List<String> properties,
			ConsumptionProbe probe) {
		SpringApplicationBuilder builder = new SpringApplicationBuilder(application).web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new));
		if (probe != null) {
			builder.initializers((context) -> context.getBeanFactory().registerSingleton("consumptionProbe", probe));
		}
		return builder.run();
	}

	/**
	 * Counts what a consumer processed and when the first and the last record came. Used
	 * by one consumer thread; the latch publishes the result.
	 */
	static final class ConsumptionProbe {

		private static final long START_TIMEOUT_SECONDS = 180;

		private final long expected;

		private final @Nullable CountDownLatch start;

		private final CountDownLatch done = new CountDownLatch(1);

		private long count;

		private long bytes;

		/**
		 * Written so that the JIT cannot drop the header reads.
		 */
		private long headerBytes;

		private long first;

		private long last;

		private long firstAllocated;

		private long lastAllocated;

		private long firstCpu;

		private long lastCpu;

		ConsumptionProbe(long expected) {
			this(expected, null);
		}

		/**
		 * Create a probe whose consumer waits at its first record until the consumers of
		 * the other probes of the same start latch have their first record too, so that
		 * they all consume at the same time.
		 * @param expected the number of records in the topic
		 * @param start counted down at the first record, then awaited
		 */
		ConsumptionProbe(long expected, @Nullable CountDownLatch start) {
			this.expected = expected;
			this.start = start;
		}

		long expected() {
			return this.expected;
		}

		/**
		 * Count a record; with {@code readHeader}, after reading the value of its stamp
		 * header as any check of the stamp must (what the Kafka client alone spends on
		 * that).
		 */
		void accept(ConsumerRecord<byte[], byte[]> record, boolean readHeader) {
			if (readHeader) {
				Header header = record.headers().lastHeader(SequenceStamp.HEADER);
				this.headerBytes += (header != null) ? header.value().length : 0;
			}
			accept(record.value());
		}

		void accept(byte[] value) {
			if (this.count == 0) {
				awaitStart();
				this.first = System.nanoTime();
				this.firstAllocated = Footprint.allocatedByThisThread();
				this.firstCpu = Footprint.cpuOfThisThread();
			}
			this.count++;
			this.bytes += value.length;
			if (this.count == this.expected) {
				this.last = System.nanoTime();
				this.lastAllocated = Footprint.allocatedByThisThread();
				this.lastCpu = Footprint.cpuOfThisThread();
				this.done.countDown();
			}
		}

		private void awaitStart() {
			if (this.start == null) {
				return;
			}
			this.start.countDown();
			try {
				if (!this.start.await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
					throw new IllegalStateException(
							"The other consumers did not start within " + START_TIMEOUT_SECONDS + " s");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		Run await(long timeoutSeconds) throws InterruptedException {
			if (!this.done.await(timeoutSeconds, TimeUnit.SECONDS)) {
				throw new IllegalStateException(
						"Consumed " + this.count + " of " + this.expected + " records within " + timeoutSeconds + " s");
			}
			return Run.withoutLatency(this.count, this.bytes, this.last - this.first);
		}

		/**
		 * Return the bytes the consuming thread allocated per record, from the first
		 * record to the last (polls, deserialization, the container, the listener).
		 * @return the bytes per record
		 */
		double allocatedPerRecord() {
			return (double) (this.lastAllocated - this.firstAllocated) / Math.max(1, this.count - 1);
		}

		/**
		 * Return the CPU time of the consuming thread per record, from the first record
		 * to the last, in nanoseconds.
		 * @return the nanoseconds per record
		 */
		double cpuPerRecord() {
			return (double) (this.lastCpu - this.firstCpu) / Math.max(1, this.count - 1);
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ProducerApplication {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(RecordListener.class)
	static class RecordListenerApplication {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(BatchListener.class)
	static class BatchListenerApplication {

	}

	static class RecordListener {

		private final ConsumptionProbe probe;

		private final boolean readHeader;

		RecordListener(ConsumptionProbe probe, @Value("${" + READ_HEADER + ":false}") boolean readHeader) {
			this.probe = probe;
			this.readHeader = readHeader;
		}

		@KafkaListener(id = "${bench.listener-id:bench-record}", topics = "${bench.topic}", groupId = "${bench.group}")
		void listen(ConsumerRecord<byte[], byte[]> record) {
			this.probe.accept(record, this.readHeader);
		}

	}

	static class BatchListener {

		private final ConsumptionProbe probe;

		private final boolean readHeader;

		BatchListener(ConsumptionProbe probe, @Value("${" + READ_HEADER + ":false}") boolean readHeader) {
			this.probe = probe;
			this.readHeader = readHeader;
		}

		@KafkaListener(id = "${bench.listener-id:bench-batch}", topics = "${bench.topic}", groupId = "${bench.group}")
		void listen(List<ConsumerRecord<byte[], byte[]>> records) {
			for (ConsumerRecord<byte[], byte[]> record : records) {
				this.probe.accept(record, this.readHeader);
			}
		}

	}

}
