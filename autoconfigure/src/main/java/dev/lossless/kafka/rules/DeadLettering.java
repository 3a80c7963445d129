package dev.lossless.kafka.rules;

/**
 * An error handler or after-rollback processor that knows whether it publishes failed
 * records to a dead-letter topic, so that the {@code listener.error-handler} rule can
 * read it without knowing its class.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public interface DeadLettering {

	/**
	 * Return whether failed records are published to a dead-letter topic once their
	 * attempts are exhausted.
	 * @return whether failed records are dead-lettered
	 */
	boolean isDeadLettering();

}
