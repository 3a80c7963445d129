package dev.lossless.kafka.idempotent;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The message ids each consumer has processed.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 * @see JdbcProcessedMessageStore
 * @see InMemoryProcessedMessageStore
 */
public interface ProcessedMessageStore {

	/**
	 * Record that a consumer processes a message, in the current transaction when there
	 * is one for the store's resource: a rollback forgets the record again.
	 * @param consumer the consumer, for example a consumer group or a listener id
	 * @param messageId the message id
	 * @return {@code true} when the message was not recorded before for this consumer,
	 * {@code false} when it was (the message must not be processed again)
	 */
	boolean markProcessed(String consumer, String messageId);

	/**
	 * Return the resource whose transactions the store joins, as transaction managers
	 * know it (for a database, its {@code DataSource}).
	 * @return the resource, or {@code null} when the store has none
	 */
	default @Nullable Object getTransactionResource() {
		return null;
	}

	/**
	 * Forget the messages processed before an instant.
	 * @param processedBefore the instant
	 * @return how many records were removed
	 */
	int removeProcessedBefore(Instant processedBefore);

}
