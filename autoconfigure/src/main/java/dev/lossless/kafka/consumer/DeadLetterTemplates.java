package dev.lossless.kafka.consumer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;

/**
 * Creates the application's {@link DeadLetterPublishingRecoverer}: a record that failed
 * is published to {@code <topic><suffix>}, same partition, with spring-kafka's exception
 * and original-record headers; a record whose value could not be deserialized is
 * published with its original bytes. The recoverer throws when no destination is found
 * and when the publish fails, so the error handler retries the record instead of skipping
 * it.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class DeadLetterTemplates implements DisposableBean {

	private final ProducerFactory<Object, Object> rawBytesProducerFactory;

	private final KafkaTemplate<Object, Object> rawBytesTemplate;

	private final KafkaOperations<Object, Object> template;

	/**
	 * Create an instance.
	 * @param template the application's template, for records that were deserialized
	 * @param producerFactory the application's producer factory, copied with a byte array
	 * value serializer for records that could not be deserialized
	 */
	public DeadLetterTemplates(KafkaOperations<Object, Object> template,
			ProducerFactory<Object, Object> producerFactory) {
		this.template = template;
		this.rawBytesProducerFactory = producerFactory.copyWithConfigurationOverride(
				Map.of(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
		this.rawBytesTemplate = new KafkaTemplate<>(this.rawBytesProducerFactory);
	}

	/**
	 * Create a recoverer that publishes to {@code <topic><suffix>}.
	 * @param suffix the dead-letter topic suffix
	 * @return the recoverer
	 */
	public DeadLetterPublishingRecoverer recoverer(String suffix) {
		Map<Class<?>, KafkaOperations<?, ?>> templates = new LinkedHashMap<>();
		templates.put(byte[].class, this.rawBytesTemplate);
		templates.put(Object.class, this.template);
		BiFunction<ConsumerRecord<?, ?>, Exception, TopicPartition> destination = (record,
				exception) -> new TopicPartition(record.topic() + suffix, record.partition());
		DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(templates, destination);
		recoverer.setThrowIfNoDestinationReturned(true);
		recoverer.setFailIfSendResultIsError(true);
		return recoverer;
	}

	@Override
	public void destroy() {
		this.rawBytesProducerFactory.reset();
	}

}
