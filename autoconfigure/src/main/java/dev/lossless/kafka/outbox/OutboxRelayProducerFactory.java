package dev.lossless.kafka.outbox;

import java.time.Duration;
import java.util.Map;

import dev.lossless.kafka.producer.ByteArrayProducerSettings;
import dev.lossless.kafka.producer.LosslessProducerPostProcessor;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.ProducerFactory;

/**
 * Creates the relay's producer factory from the application's hardened one: the same
 * settings (brokers, security, {@code acks=all}, idempotence, delivery timeout), byte
 * array serializers, sequence stamps when they are on, and no transaction, partitioner or
 * interceptor of the application (rows are bytes, and carry their partition when the
 * application chose one). It is not customized by the starter's
 * {@code LosslessProducerFactoryCustomizer}, so a failed send never goes to the send
 * journal: the outbox table keeps the row, and a journaled copy would be delivered a
 * second time by another path. Metadata waits are bounded
 * ({@link ByteArrayProducerSettings}) so that a round against a cluster that is down ends
 * quickly.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class OutboxRelayProducerFactory {

	private OutboxRelayProducerFactory() {
	}

	/**
	 * Create the relay's producer factory.
	 * @param applicationFactory the application's producer factory
	 * @param stampSequences whether the relay's records get sequence stamps
	 * @return a new factory; the caller destroys it
	 */
	public static DefaultKafkaProducerFactory<byte[], byte[]> create(ProducerFactory<?, ?> applicationFactory,
			boolean stampSequences) {
		Map<String, Object> configs = ByteArrayProducerSettings.from(applicationFactory, "lossless-outbox-relay");
		DefaultKafkaProducerFactory<byte[], byte[]> factory = new DefaultKafkaProducerFactory<>(configs,
				new ByteArraySerializer(), new ByteArraySerializer());
		if (stampSequences) {
			LosslessProducerPostProcessor.stamping(factory).register();
		}
		return factory;
	}

	/**
	 * Return how long the relay waits for the acknowledgements of a round: the producer's
	 * delivery timeout and a margin, so that the producer reports a failure itself first.
	 * @param factory the relay's producer factory
	 * @return the timeout
	 */
	public static Duration acknowledgementTimeout(ProducerFactory<?, ?> factory) {
		return ByteArrayProducerSettings.acknowledgementTimeout(factory);
	}

}
