package dev.lossless.kafka.consumer;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

import dev.lossless.kafka.producer.LosslessProducerPostProcessor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

/**
 * Creates the application's {@link DeadLetterPublishingRecoverer}: a record that failed
 * is published to {@code <topic><suffix>}, same partition, with spring-kafka's exception
 * and original-record headers. The dead-letter producer has the application's settings
 * and serializers, except that a {@code byte[]} key or value is written as it is: the
 * original bytes of a key or value that could not be deserialized reach the dead-letter
 * topic unchanged. The recoverer throws when no destination is found and when the publish
 * fails, so the error handler retries the record instead of skipping it.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class DeadLetterTemplates implements DisposableBean {

	private final DefaultKafkaProducerFactory<Object, Object> producerFactory;

	private final KafkaTemplate<Object, Object> template;

	/**
	 * Create an instance.
	 * @param producerFactory the application's producer factory, whose settings and
	 * serializers the dead-letter producer copies
	 * @param stampSequences whether dead letters get sequence stamps of their own (the
	 * original record's stamp is replaced)
	 */
	public DeadLetterTemplates(ProducerFactory<?, ?> producerFactory, boolean stampSequences) {
		Map<String, Object> configs = new HashMap<>(producerFactory.getConfigurationProperties());
		Serializer<?> key = (producerFactory instanceof DefaultKafkaProducerFactory<?, ?> factory)
				? factory.getKeySerializer() : null;
		Serializer<?> value = (producerFactory instanceof DefaultKafkaProducerFactory<?, ?> factory)
				? factory.getValueSerializer() : null;
		this.producerFactory = new DefaultKafkaProducerFactory<>(configs,
				rawBytesOr(key, configs.get(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG)),
				rawBytesOr(value, configs.get(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG)));
		if (stampSequences) {
			LosslessProducerPostProcessor.stamping(this.producerFactory).register();
		}
		this.template = new KafkaTemplate<>(this.producerFactory);
	}

	/**
	 * Create a recoverer that publishes to {@code <topic><suffix>}.
	 * @param suffix the dead-letter topic suffix
	 * @return the recoverer
	 */
	public DeadLetterPublishingRecoverer recoverer(String suffix) {
		BiFunction<ConsumerRecord<?, ?>, Exception, TopicPartition> destination = (record,
				exception) -> new TopicPartition(record.topic() + suffix, record.partition());
		DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(this.template, destination);
		recoverer.setThrowIfNoDestinationReturned(true);
		recoverer.setFailIfSendResultIsError(true);
		return recoverer;
	}

	private static Serializer<Object> rawBytesOr(@Nullable Serializer<?> instance, @Nullable Object configured) {
		Serializer<?> delegate = (instance != null) ? instance : instantiate(configured);
		Map<Class<?>, Serializer<?>> delegates = new LinkedHashMap<>();
		delegates.put(byte[].class, new ByteArraySerializer());
		delegates.put(Object.class, delegate);
		return new DelegatingByTypeSerializer(delegates, true);
	}

	private static Serializer<?> instantiate(@Nullable Object configured) {
		Assert.notNull(configured, "The producer factory has no serializer to publish dead letters with");
		Class<?> type = (configured instanceof Class<?> configuredType) ? configuredType
				: ClassUtils.resolveClassName(configured.toString(), DeadLetterTemplates.class.getClassLoader());
		return (Serializer<?>) BeanUtils.instantiateClass(type);
	}

	@Override
	public void destroy() {
		this.producerFactory.destroy();
	}

}
