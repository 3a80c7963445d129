package dev.lossless.kafka.consumer;

import dev.lossless.kafka.rules.DeadLettering;

import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.BackOff;

/**
 * The starter's {@link DefaultErrorHandler}: it retries a failing record with back-off,
 * then hands it to its recoverer, and it knows whether that recoverer publishes to a
 * dead-letter topic, so that the {@code listener.error-handler} rule can tell a handler
 * that keeps failed records from one that drops them.
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

}
