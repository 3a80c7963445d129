package dev.lossless.kafka.consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.kafka.KafkaException;

/**
 * Thrown before a batch reaches its listener when a record of it that must be
 * dead-lettered first could not be published: the batch has been sought back and is
 * delivered again, nothing of it is committed.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class DeadLetterPublishFailedException extends KafkaException {

	/**
	 * Create an instance.
	 * @param record the record that could not be published
	 * @param cause why
	 */
	public DeadLetterPublishFailedException(ConsumerRecord<?, ?> record, Throwable cause) {
		super("Dead-letter publishing failed for " + record.topic() + "-" + record.partition() + "@" + record.offset()
				+ "; its batch is delivered again", cause);
	}

}
