package dev.lossless.kafka.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.lossless.kafka.benchmarks.BenchmarkApplications.ConsumptionProbe;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * The consumer cases: a raw poll-process-{@code commitSync} loop and the starter's
 * listener containers, each reading a whole pre-filled topic in a new consumer group.
 * Throughput is measured from the first record received to the last record processed, so
 * that joining the group is not counted.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
final class ConsumerCases {

	private static final long TIMEOUT_SECONDS = 180;

	private ConsumerCases() {
	}

	static String newGroup(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	/**
	 * Read the topic with a raw {@link KafkaConsumer} with the settings the starter
	 * enforces ({@code enable.auto.commit=false}, {@code auto.offset.reset=earliest},
	 * {@code isolation.level=read_committed}), processing each record as the listeners do
	 * and committing synchronously after each poll, as the container does by default
	 * ({@code AckMode.BATCH}).
	 * @param bootstrapServers the brokers
	 * @param topic the topic
	 * @param expected the number of records in the topic
	 * @return the measured run
	 */
	static Run rawLoop(String bootstrapServers, String topic, long expected) {
		return rawLoop(bootstrapServers, topic, new ConsumptionProbe(expected));
	}

	/**
	 * Read the topic with a raw {@link KafkaConsumer}, as
	 * {@link #rawLoop(String, String, long)} does, reporting to the given probe.
	 * @param bootstrapServers the brokers
	 * @param topic the topic
	 * @param probe the probe, which knows the number of records in the topic
	 * @return the measured run
	 */
	static Run rawLoop(String bootstrapServers, String topic, ConsumptionProbe probe) {
		long expected = probe.expected();
		Map<String, Object> settings = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				ConsumerConfig.GROUP_ID_CONFIG, newGroup("bench-raw"), ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
				"false", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG,
				"read_committed", ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
		long deadline = System.nanoTime() + Duration.ofSeconds(TIMEOUT_SECONDS).toNanos();
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(),
				new ByteArrayDeserializer())) {
			consumer.subscribe(List.of(topic));
			long count = 0;
			while (count < expected) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("Consumed " + count + " of " + expected + " records");
				}
				ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
				if (records.isEmpty()) {
					continue;
				}
				for (ConsumerRecord<byte[], byte[]> record : records) {
					probe.accept(record.value());
					count++;
				}
				consumer.commitSync();
			}
			return probe.await(0);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Read the topic with the starter's listener container in a new application (its
	 * startup is not measured).
	 * @param bootstrapServers the brokers
	 * @param topic the topic
	 * @param expected the number of records in the topic
	 * @param batch whether to use a batch listener
	 * @param sequence whether gap detection is on
	 * @param extraProperties more application properties
	 * @return the measured run
	 * @throws InterruptedException if interrupted while waiting
	 */
	static Run starter(String bootstrapServers, String topic, long expected, boolean batch, boolean sequence,
			String... extraProperties) throws InterruptedException {
		return starter(bootstrapServers, topic, new ConsumptionProbe(expected), batch, sequence, extraProperties);
	}

	/**
	 * Read the topic with the starter's listener container, as
	 * {@link #starter(String, String, long, boolean, boolean, String...)} does, reporting
	 * to the given probe.
	 * @param bootstrapServers the brokers
	 * @param topic the topic
	 * @param probe the probe, which knows the number of records in the topic
	 * @param batch whether to use a batch listener
	 * @param sequence whether gap detection is on
	 * @param extraProperties more application properties
	 * @return the measured run
	 * @throws InterruptedException if interrupted while waiting
	 */
	static Run starter(String bootstrapServers, String topic, ConsumptionProbe probe, boolean batch, boolean sequence,
			String... extraProperties) throws InterruptedException {
		try (ConfigurableApplicationContext context = BenchmarkApplications.consumer(bootstrapServers, sequence, batch,
				topic, newGroup(batch ? "bench-batch" : "bench-record"), probe, extraProperties)) {
			return probe.await(TIMEOUT_SECONDS);
		}
	}

}
