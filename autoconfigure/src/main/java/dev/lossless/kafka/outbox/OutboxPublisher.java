package dev.lossless.kafka.outbox;

import java.util.UUID;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;

/**
 * Writes Kafka records to the outbox table in the caller's database transaction, so that
 * a record exists if and only if the transaction commits; the outbox relay publishes it
 * after the commit. Call it from a method that runs in a Spring-managed transaction of
 * the outbox's {@code DataSource} (for example a {@code @Transactional} service method);
 * outside one it throws
 * {@link org.springframework.transaction.IllegalTransactionStateException}.
 * <p>
 * Key and value are serialized at once with the application's Kafka serializers
 * ({@code spring.kafka.producer.key-serializer} and {@code value-serializer}); the relay
 * sends the bytes with the header {@link OutboxMessage#MESSAGE_ID_HEADER}. Delivery is at
 * least once, in the order of the writes per key.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public interface OutboxPublisher {

	/**
	 * Write a record to the outbox.
	 * @param topic the topic
	 * @param key the key, or {@code null}
	 * @param value the value, or {@code null}
	 * @return the message id the record will carry
	 */
	default UUID publish(String topic, @Nullable Object key, @Nullable Object value) {
		return publish(new ProducerRecord<>(topic, key, value));
	}

	/**
	 * Write a record to the outbox, with its headers, and its partition and timestamp
	 * when it has them.
	 * @param record the record
	 * @return the message id the record will carry
	 */
	UUID publish(ProducerRecord<?, ?> record);

}
