package dev.lossless.kafka.producer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.springframework.kafka.core.ProducerFactory;

/**
 * Creates the producers of the send journal's replayer: the application's producer
 * settings (brokers, security, durability), with byte array serializers, no transaction,
 * no partitioner or interceptor of the application (entries are bytes, and carry their
 * partition when one was chosen), and a metadata wait bounded by {@value #MAX_BLOCK_MS}
 * ms so that a round against a cluster that is down ends quickly.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class JournalReplayProducers implements Supplier<Producer<byte[], byte[]>> {

	static final int MAX_BLOCK_MS = 10_000;

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
		Object deliveryTimeout = this.producerFactory.getConfigurationProperties()
			.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
		long millis = (deliveryTimeout != null) ? Long.parseLong(deliveryTimeout.toString()) : 120_000;
		return Duration.ofMillis(millis).plusSeconds(30);
	}

	@Override
	public Producer<byte[], byte[]> get() {
		Map<String, Object> configs = new HashMap<>(this.producerFactory.getConfigurationProperties());
		configs.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		configs.remove(ProducerConfig.PARTITIONER_CLASS_CONFIG);
		configs.remove(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG);
		configs.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
		configs.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
		Object clientId = configs.get(ProducerConfig.CLIENT_ID_CONFIG);
		configs.put(ProducerConfig.CLIENT_ID_CONFIG,
				((clientId != null) ? clientId + "-" : "") + "lossless-journal-replayer");
		Object maxBlock = configs.get(ProducerConfig.MAX_BLOCK_MS_CONFIG);
		long maxBlockMs = (maxBlock != null) ? Math.min(Long.parseLong(maxBlock.toString()), MAX_BLOCK_MS)
				: MAX_BLOCK_MS;
		configs.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlockMs);
		return new KafkaProducer<>(configs, new ByteArraySerializer(), new ByteArraySerializer());
	}

}
