package dev.lossless.kafka.producer;

import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * The application's key and value serializers, taken from its producer factory when it is
 * first needed (customizers may still set them after this is created): the factory's
 * instances when it has some, otherwise new instances of the configured classes.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class ApplicationSerializers {

	private final Supplier<Serializer<Object>> key;

	private final Supplier<Serializer<Object>> value;

	/**
	 * Create an instance.
	 * @param factory the application's producer factory
	 */
	public ApplicationSerializers(ProducerFactory<?, ?> factory) {
		this(factory, factory::getConfigurationProperties);
	}

	/**
	 * Create an instance for producers a factory creates with the given configuration (a
	 * copy of the factory with configuration overrides keeps its serializer instances).
	 * @param factory the producer factory
	 * @param configs the configuration of its producers
	 * @since 0.2.0
	 */
	ApplicationSerializers(ProducerFactory<?, ?> factory, Supplier<Map<String, ?>> configs) {
		this.key = SingletonSupplier.of(() -> resolve(configs, factory.getKeySerializerSupplier(),
				ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, true));
		this.value = SingletonSupplier.of(() -> resolve(configs, factory.getValueSerializerSupplier(),
				ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, false));
	}

	/**
	 * Return the key serializer.
	 * @return the serializer
	 */
	public Serializer<Object> key() {
		return this.key.get();
	}

	/**
	 * Return the value serializer.
	 * @return the serializer
	 */
	public Serializer<Object> value() {
		return this.value.get();
	}

	@SuppressWarnings("unchecked")
	private static Serializer<Object> resolve(Supplier<Map<String, ?>> factoryConfigs,
			Supplier<? extends @Nullable Serializer<?>> supplier, String property, boolean isKey) {
		Serializer<?> instance = supplier.get();
		if (instance != null) {
			return (Serializer<Object>) instance;
		}
		Map<String, ?> configs = factoryConfigs.get();
		Object configured = configs.get(property);
		Assert.state(configured != null, () -> "The producer factory has no " + property);
		Class<?> type = (configured instanceof Class<?> configuredType) ? configuredType
				: ClassUtils.resolveClassName(configured.toString(), ApplicationSerializers.class.getClassLoader());
		Serializer<Object> serializer = (Serializer<Object>) BeanUtils.instantiateClass(type);
		serializer.configure(configs, isKey);
		return serializer;
	}

}
