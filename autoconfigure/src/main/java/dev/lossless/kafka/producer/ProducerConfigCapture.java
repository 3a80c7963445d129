package dev.lossless.kafka.producer;

import java.util.Map;

import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jspecify.annotations.Nullable;

/**
 * Hands the configuration a producer is created with to the starter's producer wrapper:
 * spring-kafka copies the wrapper by reference into a factory with configuration
 * overrides (a {@code KafkaTemplate} built at run time with overrides), and only the
 * producer's own configuration tells which settings, serializers and partitioner it has.
 * Kafka configures this interceptor while it creates the producer, on the thread that
 * then runs the wrapper.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class ProducerConfigCapture implements ProducerInterceptor<Object, Object> {

	private static final ThreadLocal<Map<String, ?>> CREATED = new ThreadLocal<>();

	/**
	 * Return, and forget, the configuration of the producer this thread created last.
	 * @return the configuration, or {@code null} when none was captured
	 */
	static @Nullable Map<String, ?> take() {
		Map<String, ?> configs = CREATED.get();
		CREATED.remove();
		return configs;
	}

	@Override
	public void configure(Map<String, ?> configs) {
		CREATED.set(configs);
	}

	@Override
	public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
		return record;
	}

	@Override
	public void onAcknowledgement(@Nullable RecordMetadata metadata, @Nullable Exception exception) {
	}

	@Override
	public void close() {
	}

}
