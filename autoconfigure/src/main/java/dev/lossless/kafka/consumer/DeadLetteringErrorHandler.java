package dev.lossless.kafka.consumer;

import dev.lossless.kafka.rules.DeadLettering;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;

import org.springframework.kafka.KafkaException;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.util.backoff.BackOff;

/**
 * The starter's {@link DefaultErrorHandler}: it retries a failing record with back-off,
 * then hands it to its recoverer, and it knows whether that recoverer publishes to a
 * dead-letter topic, so that the {@code listener.error-handler} rule can tell a handler
 * that keeps failed records from one that drops them. A batch whose records could not be
 * dead-lettered before its listener ({@link DeadLetterPublishFailedException}) has been
 * sought back already: it is neither retried nor recovered here (recovering would publish
 * its good records to the dead-letter topic), and nothing of it is committed.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class DeadLetteringErrorHandler extends DefaultErrorHandler implements DeadLettering {

	private final boolean deadLettering;

	/**
	 * Create an instance.
	 * @param recoverer the recoverer of records whose attempts are exhausted
	 * @param backOff the back-off between attempts
	 */
	public DeadLetteringErrorHandler(ConsumerRecordRecoverer recoverer, BackOff backOff) {
		super(recoverer, backOff);
		this.deadLettering = recoverer instanceof DeadLetterPublishingRecoverer;
	}

	/**
	 * Return whether the recoverer publishes failed records to a dead-letter topic.
	 * @return whether failed records are dead-lettered
	 */
	@Override
	public boolean isDeadLettering() {
		return this.deadLettering;
	}

	@Override
	public void handleBatch(Exception thrownException, ConsumerRecords<?, ?> data, Consumer<?, ?> consumer,
			MessageListenerContainer container, Runnable invokeListener) {
		if (thrownException instanceof DeadLetterPublishFailedException) {
			// thrown so that the container commits nothing of the batch
			throw new KafkaException("Batch sought back to be delivered again", thrownException);
		}
		super.handleBatch(thrownException, data, consumer, container, invokeListener);
	}

}
