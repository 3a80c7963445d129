package dev.lossless.kafka.consumer;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.lossless.kafka.rules.ClientSettings;
import dev.lossless.kafka.rules.InfallibleDeserializers;
import dev.lossless.kafka.rules.SettingOrigins;
import org.apache.kafka.clients.consumer.ConsumerConfig;

import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;

/**
 * Gives Spring Boot's consumer factory the durable settings the application has not set
 * itself: no auto-commit, {@code auto.offset.reset=earliest}, {@code read_committed}, no
 * topic auto-creation, and key and value deserializers that can fail wrapped in an
 * {@link ErrorHandlingDeserializer} so that a record that cannot be deserialized reaches
 * the error handler, and the dead-letter topic, instead of failing {@code poll()} forever
 * ({@link InfallibleDeserializers those that cannot fail} are left as they are). A value
 * the application set is kept as it is: the durability rules judge it at startup.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class DurableConsumerCustomizer implements DefaultKafkaConsumerFactoryCustomizer {

	private final SettingOrigins origins;

	/**
	 * Create an instance.
	 * @param origins tells which settings the application's properties set; Spring Boot's
	 * own defaults, such as its {@code isolation.level=read_uncommitted}, are replaced
	 */
	public DurableConsumerCustomizer(SettingOrigins origins) {
		this.origins = origins;
	}

	@Override
	public void customize(DefaultKafkaConsumerFactory<?, ?> consumerFactory) {
		Map<String, Object> configs = consumerFactory.getConfigurationProperties();
		Map<String, Object> updates = new LinkedHashMap<>();
		putIfAbsent(configs, updates, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		putIfAbsent(configs, updates, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		if (!this.origins.isSetByProperty(ClientSettings.CONSUMER, ConsumerConfig.ISOLATION_LEVEL_CONFIG)) {
			updates.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		}
		putIfAbsent(configs, updates, ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
		wrap(configs, updates, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
				ErrorHandlingDeserializer.KEY_DESERIALIZER_CLASS);
		wrap(configs, updates, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
				ErrorHandlingDeserializer.VALUE_DESERIALIZER_CLASS);
		consumerFactory.updateConfigs(updates);
	}

	private static void putIfAbsent(Map<String, Object> configs, Map<String, Object> updates, String key,
			Object value) {
		if (!configs.containsKey(key)) {
			updates.put(key, value);
		}
	}

	private static void wrap(Map<String, Object> configs, Map<String, Object> updates, String key, String delegateKey) {
		Object deserializer = configs.get(key);
		if (deserializer == null || isErrorHandling(deserializer) || InfallibleDeserializers.cannotFail(deserializer)) {
			return;
		}
		updates.put(key, ErrorHandlingDeserializer.class);
		updates.put(delegateKey, deserializer);
	}

	private static boolean isErrorHandling(Object deserializer) {
		String name = (deserializer instanceof Class<?> type) ? type.getName() : deserializer.toString();
		return ErrorHandlingDeserializer.class.getName().equals(name);
	}

}
