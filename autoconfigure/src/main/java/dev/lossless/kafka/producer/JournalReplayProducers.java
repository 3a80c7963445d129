package dev.lossless.kafka.producer;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.springframework.kafka.core.ProducerFactory;

/**
 * Creates the producers of the send journal's replayer: the application's producer
 * settings (brokers, security, durability), with byte array serializers, no transaction,
 * no partitioner or interceptor of the application (entries are bytes, and carry their
 * partition when one was chosen), and a bounded metadata wait
 * ({@link ByteArrayProducerSettings}).
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class JournalReplayProducers implements Supplier<Producer<byte[], byte[]>> {

	private final ProducerFactory<?, ?> producerFactory;

	/**
	 * Create an instance.
	 * @param producerFactory the application's producer factory
	 */
	public JournalReplayProducers(ProducerFactory<?, ?> producerFactory) {
		this.producerFactory = producerFactory;
	}

	/**
	 * Return how long the replayer should wait for the acknowledgements of a round: the
	 * producer's delivery timeout and a margin, so that the producer reports a failure
	 * itself first.
	 * @return the timeout
	 */
	public Duration acknowledgementTimeout() {
		return ByteArrayProducerSettings.acknowledgementTimeout(this.producerFactory);
	}

	@Override
	public Producer<byte[], byte[]> get() {
		Map<String, Object> configs = ByteArrayProducerSettings.from(this.producerFactory, "lossless-journal-replayer");
		return new KafkaProducer<>(configs, new ByteArraySerializer(), new ByteArraySerializer());
	}

}
