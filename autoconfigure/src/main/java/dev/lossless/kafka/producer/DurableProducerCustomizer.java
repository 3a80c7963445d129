package dev.lossless.kafka.producer;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.lossless.kafka.rules.ClientSettings;
import dev.lossless.kafka.rules.ProducerRules;
import org.apache.kafka.clients.producer.ProducerConfig;

import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;

/**
 * Gives Spring Boot's producer factory the durable settings the application has not set
 * itself: {@code acks=all}, unbounded retries within {@code delivery.timeout.ms}, at most
 * 5 requests in flight, and idempotence. A value the application set is kept as it is:
 * the durability rules judge it at startup.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class DurableProducerCustomizer implements DefaultKafkaProducerFactoryCustomizer {

	private static final int DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

	private static final int DEFAULT_LINGER_MS = 5;

	private final Duration deliveryTimeout;

	/**
	 * Create an instance.
	 * @param deliveryTimeout the delivery timeout to apply when
	 * {@code delivery.timeout.ms} is not set
	 */
	public DurableProducerCustomizer(Duration deliveryTimeout) {
		this.deliveryTimeout = deliveryTimeout;
	}

	@Override
	public void customize(DefaultKafkaProducerFactory<?, ?> producerFactory) {
		Map<String, Object> configs = producerFactory.getConfigurationProperties();
		Map<String, Object> updates = new LinkedHashMap<>();
		putIfAbsent(configs, updates, ProducerConfig.ACKS_CONFIG, "all");
		putIfAbsent(configs, updates, ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
		putIfAbsent(configs, updates, ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
		int deliveryTimeoutMs = (int) this.deliveryTimeout.toMillis();
		if (putIfAbsent(configs, updates, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryTimeoutMs)) {
			int lingerMs = intValue(configs.get(ProducerConfig.LINGER_MS_CONFIG), DEFAULT_LINGER_MS);
			if (deliveryTimeoutMs < DEFAULT_REQUEST_TIMEOUT_MS + lingerMs) {
				// Kafka refuses delivery.timeout.ms < linger.ms + request.timeout.ms
				putIfAbsent(configs, updates, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
						Math.max(1, deliveryTimeoutMs - lingerMs));
			}
		}
		Map<String, Object> merged = new HashMap<>(configs);
		merged.putAll(updates);
		if (ProducerRules.idempotenceConflict(new ClientSettings(ClientSettings.PRODUCER, "", merged)) == null) {
			putIfAbsent(configs, updates, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		}
		producerFactory.updateConfigs(updates);
	}

	private static boolean putIfAbsent(Map<String, Object> configs, Map<String, Object> updates, String key,
			Object value) {
		if (configs.containsKey(key)) {
			return false;
		}
		updates.put(key, value);
		return true;
	}

	private static int intValue(Object value, int defaultValue) {
		return (value != null) ? Integer.parseInt(value.toString()) : defaultValue;
	}

}
