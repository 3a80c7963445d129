package dev.lossless.kafka.rules;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.core.ShareConsumerFactory;

/**
 * The effective configuration of one producer or consumer factory, as a rule subject.
 *
 * @param kind {@code producer} or {@code consumer}
 * @param name the factory's bean name
 * @param configs the configuration the factory gives its clients
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public record ClientSettings(String kind, String name, Map<String, Object> configs) {

	/**
	 * Kind of the settings of a producer factory.
	 */
	public static final String PRODUCER = "producer";

	/**
	 * Kind of the settings of a consumer factory.
	 */
	public static final String CONSUMER = "consumer";

	/**
	 * The kind of a share consumer factory (KIP-932).
	 * @since 0.2.0
	 */
	public static final String SHARE_CONSUMER = "share-consumer";

	/**
	 * Return the value of a configuration key as a string.
	 * @param key the key
	 * @return the value or {@code null} when the key is not set
	 */
	public @Nullable String get(String key) {
		Object value = this.configs.get(key);
		if (value instanceof Class<?> type) {
			return type.getName();
		}
		return (value != null) ? value.toString() : null;
	}

	/**
	 * Return the settings of a producer factory, with the {@code transactional.id} its
	 * transaction id prefix gives its producers.
	 * @param name the bean name
	 * @param factory the factory
	 * @return the settings
	 */
	public static ClientSettings of(String name, ProducerFactory<?, ?> factory) {
		Map<String, Object> configs = configurationOf(factory);
		String prefix = factory.getTransactionIdPrefix();
		if (prefix != null && !configs.containsKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG)) {
			// spring-kafka gives each producer a transactional.id made of the prefix
			configs = new LinkedHashMap<>(configs);
			configs.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, prefix + "*");
		}
		return new ClientSettings(PRODUCER, name, configs);
	}

	/**
	 * Return the settings of a consumer factory. Deserializer instances given to a
	 * {@link DefaultKafkaConsumerFactory} take the place of the configured classes, as
	 * they do for the consumers it creates.
	 * @param name the bean name
	 * @param factory the factory
	 * @return the settings
	 */
	public static ClientSettings of(String name, ConsumerFactory<?, ?> factory) {
		Map<String, Object> configs = new LinkedHashMap<>(configurationOf(factory));
		if (factory instanceof DefaultKafkaConsumerFactory<?, ?> defaultFactory) {
			if (defaultFactory.getKeyDeserializer() != null) {
				configs.put("key.deserializer", defaultFactory.getKeyDeserializer().getClass());
			}
			if (defaultFactory.getValueDeserializer() != null) {
				configs.put("value.deserializer", defaultFactory.getValueDeserializer().getClass());
			}
		}
		return new ClientSettings(CONSUMER, name, configs);
	}

	/**
	 * Read the settings of a share consumer factory, including the deserializer instances
	 * it was given.
	 * @param name the bean name
	 * @param factory the factory
	 * @return the settings
	 * @since 0.2.0
	 */
	public static ClientSettings of(String name, ShareConsumerFactory<?, ?> factory) {
		Map<String, Object> configs = new LinkedHashMap<>(factory.getConfigurationProperties());
		if (factory.getKeyDeserializer() != null) {
			configs.put("key.deserializer", factory.getKeyDeserializer().getClass());
		}
		if (factory.getValueDeserializer() != null) {
			configs.put("value.deserializer", factory.getValueDeserializer().getClass());
		}
		return new ClientSettings(SHARE_CONSUMER, name, configs);
	}

	private static Map<String, Object> configurationOf(ProducerFactory<?, ?> factory) {
		try {
			return factory.getConfigurationProperties();
		}
		catch (UnsupportedOperationException ex) {
			return Map.of();
		}
	}

	private static Map<String, Object> configurationOf(ConsumerFactory<?, ?> factory) {
		try {
			return factory.getConfigurationProperties();
		}
		catch (UnsupportedOperationException ex) {
			return Map.of();
		}
	}

}
