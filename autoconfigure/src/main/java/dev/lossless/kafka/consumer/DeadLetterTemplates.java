package dev.lossless.kafka.consumer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.util.ClassUtils;

/**
 * Creates the application's {@link DeadLetterPublishingRecoverer}: a record that failed
 * is published to {@code <topic><suffix>}, same partition, with spring-kafka's exception
 * and original-record headers. The dead-letter producer has the application's settings
 * but writes keys and values with a {@link DeadLetterSerializer}: the original bytes of a
 * key or value that could not be deserialized reach the dead-letter topic unchanged, and
 * a consumed object is written back by the serializer matching the consumer's
 * deserializer, whatever the application's producer serializers are. The recoverer throws
 * when no destination is found and when the publish fails, so the error handler retries
 * the record instead of skipping it.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class DeadLetterTemplates implements DisposableBean {

	private static final List<String> FAILED_RECORD_HEADERS = List.of(KafkaHeaders.DLT_ORIGINAL_TOPIC,
			KafkaHeaders.DLT_ORIGINAL_PARTITION, KafkaHeaders.DLT_ORIGINAL_OFFSET,
			KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP);

	private final DefaultKafkaProducerFactory<Object, Object> producerFactory;

	private final KafkaTemplate<Object, Object> template;

	/**
	 * Create an instance.
	 * @param producerFactory the application's producer factory, whose settings the
	 * dead-letter producer copies and whose serializers it falls back to
	 * @param consumerFactory the application's consumer factory, whose deserializers
	 * choose the serializers of dead letters, or {@code null}
	 * @param producerFactoryCustomizer applied to the dead-letter producer factory before
	 * its first producer is created (the auto-configuration adds sequence stamping there)
	 */
	public DeadLetterTemplates(ProducerFactory<?, ?> producerFactory, @Nullable ConsumerFactory<?, ?> consumerFactory,
			Consumer<DefaultKafkaProducerFactory<Object, Object>> producerFactoryCustomizer) {
		Map<String, Object> configs = new HashMap<>(producerFactory.getConfigurationProperties());
		Map<String, Object> consumerConfigs = (consumerFactory != null) ? consumerFactory.getConfigurationProperties()
				: Map.of();
		Serializer<?> key = (producerFactory instanceof DefaultKafkaProducerFactory<?, ?> factory)
				? factory.getKeySerializer() : null;
		Serializer<?> value = (producerFactory instanceof DefaultKafkaProducerFactory<?, ?> factory)
				? factory.getValueSerializer() : null;
		Map<String, Object> serializerConfigs = merged(consumerConfigs, configs);
		Serializer<Object> keys = serializer(
				DeadLetterSerializer.matching(consumerConfigs.get(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG),
						consumerConfigs.get(ErrorHandlingDeserializer.KEY_DESERIALIZER_CLASS), serializerConfigs, true),
				key, configs.get(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG), configs, true);
		Serializer<Object> values = serializer(
				DeadLetterSerializer.matching(consumerConfigs.get(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG),
						consumerConfigs.get(ErrorHandlingDeserializer.VALUE_DESERIALIZER_CLASS), serializerConfigs,
						false),
				value, configs.get(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG), configs, false);
		// the serializers are configured already: the factory must not configure them
		// again
		this.producerFactory = new DefaultKafkaProducerFactory<>(configs, keys, values, false);
		producerFactoryCustomizer.accept(this.producerFactory);
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

	/**
	 * Return what makes a dead letter the same message on each attempt to publish it: the
	 * topic, partition and offset of the record that failed and the consumer group that
	 * read it (if any), from spring-kafka's {@code kafka_dlt-original-*} headers. The
	 * error handler publishes a record again when its publish failed; the dead-letter
	 * producer gives it the stamp of the first attempt.
	 * @param deadLetter a record the dead-letter producer sends
	 * @return the failed record's coordinates, or {@code null} when the record has none
	 * @since 0.2.0
	 */
	public static @Nullable Object failedRecordOf(ProducerRecord<?, ?> deadLetter) {
		List<ByteBuffer> coordinates = new ArrayList<>(FAILED_RECORD_HEADERS.size());
		for (String name : FAILED_RECORD_HEADERS) {
			Header header = deadLetter.headers().lastHeader(name);
			byte[] value = (header != null) ? header.value() : null;
			if (value == null && !KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP.equals(name)) {
				return null;
			}
			// a record read without a consumer group has none
			coordinates.add(ByteBuffer.wrap((value != null) ? value : new byte[0]));
		}
		return coordinates;
	}

	@SuppressWarnings("unchecked")
	private static Serializer<Object> serializer(@Nullable Serializer<Object> matching,
			@Nullable Serializer<?> instance, @Nullable Object configured, Map<String, Object> configs, boolean isKey) {
		List<Serializer<Object>> delegates = new ArrayList<>();
		if (matching != null) {
			delegates.add(matching);
		}
		Serializer<?> application = (instance != null) ? instance : instantiate(configured, configs, isKey);
		if (application != null) {
			delegates.add((Serializer<Object>) application);
		}
		return new DeadLetterSerializer(delegates);
	}

	private static @Nullable Serializer<?> instantiate(@Nullable Object configured, Map<String, Object> configs,
			boolean isKey) {
		if (configured == null) {
			return null;
		}
		Class<?> type = (configured instanceof Class<?> configuredType) ? configuredType
				: ClassUtils.resolveClassName(configured.toString(), DeadLetterTemplates.class.getClassLoader());
		Serializer<?> serializer = (Serializer<?>) BeanUtils.instantiateClass(type);
		serializer.configure(configs, isKey);
		return serializer;
	}

	private static Map<String, Object> merged(Map<String, Object> consumerConfigs,
			Map<String, Object> producerConfigs) {
		Map<String, Object> merged = new HashMap<>(consumerConfigs);
		merged.putAll(producerConfigs);
		return merged;
	}

	@Override
	public void destroy() {
		this.producerFactory.destroy();
	}

}
