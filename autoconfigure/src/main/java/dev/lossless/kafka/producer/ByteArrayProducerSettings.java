package dev.lossless.kafka.producer;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;

import org.springframework.kafka.core.ProducerFactory;

/**
 * The settings of a producer that sends records already serialized on behalf of the
 * application (the send journal's replayer, the outbox relay): the application's producer
 * settings (brokers, security, durability), without a transactional id, the application's
 * partitioner and interceptors (the records are bytes and carry their partition when one
 * was chosen), serializers or the starter's {@link ProducerConfigCapture}, with a client
 * id of its own and a metadata wait bounded by {@value #MAX_BLOCK_MS} ms, so that a round
 * against a cluster that is down ends quickly.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class ByteArrayProducerSettings {

	/**
	 * The longest metadata wait of such a producer, in milliseconds.
	 */
	public static final int MAX_BLOCK_MS = 10_000;

	private static final long DEFAULT_DELIVERY_TIMEOUT_MS = 120_000;

	private ByteArrayProducerSettings() {
	}

	/**
	 * Return the settings of a byte array producer derived from the application's.
	 * @param applicationFactory the application's producer factory
	 * @param clientIdSuffix what the client id ends with
	 * @return a new map of settings, without serializers
	 */
	public static Map<String, Object> from(ProducerFactory<?, ?> applicationFactory, String clientIdSuffix) {
		Map<String, Object> configs = new HashMap<>(applicationFactory.getConfigurationProperties());
		configs.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		configs.remove(ProducerConfig.PARTITIONER_CLASS_CONFIG);
		configs.remove(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG);
		// nothing takes what the capture would keep on the creating thread for these
		if (configs.get(ProducerConfig.METRIC_REPORTER_CLASSES_CONFIG) instanceof Collection<?> reporters) {
			configs.put(ProducerConfig.METRIC_REPORTER_CLASSES_CONFIG,
					reporters.stream().filter((reporter) -> !ProducerConfigCapture.isNamedBy(reporter)).toList());
		}
		configs.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
		configs.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
		Object clientId = configs.get(ProducerConfig.CLIENT_ID_CONFIG);
		configs.put(ProducerConfig.CLIENT_ID_CONFIG, ((clientId != null) ? clientId + "-" : "") + clientIdSuffix);
		Object maxBlock = configs.get(ProducerConfig.MAX_BLOCK_MS_CONFIG);
		configs.put(ProducerConfig.MAX_BLOCK_MS_CONFIG,
				(maxBlock != null) ? Math.min(Long.parseLong(maxBlock.toString()), MAX_BLOCK_MS) : MAX_BLOCK_MS);
		return configs;
	}

	/**
	 * Return how long to wait for the acknowledgements of a round of sends: the
	 * producer's delivery timeout and a margin, so that the producer reports a failure
	 * itself first.
	 * @param factory the producer factory whose delivery timeout applies
	 * @return the timeout
	 */
	public static Duration acknowledgementTimeout(ProducerFactory<?, ?> factory) {
		Object deliveryTimeout = factory.getConfigurationProperties().get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
		long millis = (deliveryTimeout != null) ? Long.parseLong(deliveryTimeout.toString())
				: DEFAULT_DELIVERY_TIMEOUT_MS;
		return Duration.ofMillis(millis).plusSeconds(30);
	}

}
