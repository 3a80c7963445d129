package dev.lossless.kafka.idempotent;

import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.kafka.support.KafkaUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * Runs a listener's side effect at most once per message and consumer: the message id is
 * recorded in a {@link ProcessedMessageStore} and the side effect runs only when the id
 * was not recorded before, both in one transaction, so that a redelivered record, a
 * producer's retry or the outbox's republish is skipped, and a side effect that fails
 * leaves no record of the id (the redelivery processes it). <pre class="code">
 * &#64;KafkaListener(topics = "orders")
 * void on(ConsumerRecord&lt;String, Order&gt; record) {
 *     this.idempotent.processOnce(record, () -&gt; this.orders.save(record.value()));
 * }
 * </pre> The transaction is the caller's when one of the processor's transaction manager
 * is active (an {@code @Transactional} listener); otherwise the processor starts one. A
 * listener that does not return normally must throw, so that the container's error
 * handler retries the record or sends it to the dead-letter topic. Kafka sends belong
 * after {@code processOnce}, not in the action: the mark commits with the database before
 * the listener's Kafka transaction, so a send in the action that is then aborted would be
 * skipped on the redelivery.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 * @see MessageIds
 */
public final class IdempotentProcessor {

	private static final Log logger = LogFactory.getLog(IdempotentProcessor.class);

	private final ProcessedMessageStore store;

	private final TransactionTemplate transactions;

	private final LongAdder processed = new LongAdder();

	private final LongAdder skipped = new LongAdder();

	/**
	 * Create an instance.
	 * @param store the store of processed message ids
	 * @param transactionManager the transaction manager of the store's database, used
	 * when no transaction is active
	 */
	public IdempotentProcessor(ProcessedMessageStore store, PlatformTransactionManager transactionManager) {
		Assert.notNull(store, "'store' cannot be null");
		Assert.notNull(transactionManager, "'transactionManager' cannot be null");
		this.store = store;
		this.transactions = new TransactionTemplate(transactionManager);
	}

	/**
	 * Run the side effect of a record unless the listener's consumer group processed its
	 * message before. Must be called on the listener's thread.
	 * @param record the record
	 * @param action the side effect
	 * @return {@code true} when the action ran, {@code false} when the message was
	 * processed before and skipped
	 * @throws IllegalStateException when not called on a listener container's thread
	 */
	public boolean processOnce(ConsumerRecord<?, ?> record, Runnable action) {
		String group = KafkaUtils.getConsumerGroupId();
		Assert.state(group != null, "No consumer group on this thread: call processOnce on a listener's thread, "
				+ "or name the consumer with processOnce(consumer, record, action)");
		return processOnce(group, record, action);
	}

	/**
	 * Run the side effect of a record unless the consumer processed its message before.
	 * @param consumer the consumer, for example a consumer group or a listener id
	 * @param record the record
	 * @param action the side effect
	 * @return {@code true} when the action ran, {@code false} when the message was
	 * processed before and skipped
	 */
	public boolean processOnce(String consumer, ConsumerRecord<?, ?> record, Runnable action) {
		return processOnce(consumer, MessageIds.of(record), action);
	}

	/**
	 * Run a side effect unless the consumer processed the message before.
	 * @param consumer the consumer, for example a consumer group or a listener id
	 * @param messageId the message id
	 * @param action the side effect
	 * @return {@code true} when the action ran, {@code false} when the message was
	 * processed before and skipped
	 */
	public boolean processOnce(String consumer, String messageId, Runnable action) {
		Assert.notNull(action, "'action' cannot be null");
		// joins the caller's transaction when there is one: a failed action marks it
		// rollback-only, so that the mark cannot commit without the side effect
		Boolean ran = this.transactions.execute((status) -> markAndRun(consumer, messageId, action));
		return Boolean.TRUE.equals(ran);
	}

	/**
	 * Return how many messages were processed.
	 * @return the number of actions run
	 */
	public long processed() {
		return this.processed.sum();
	}

	/**
	 * Return how many messages were skipped as processed before.
	 * @return the number of actions skipped
	 */
	public long skipped() {
		return this.skipped.sum();
	}

	private boolean markAndRun(String consumer, String messageId, Runnable action) {
		if (!this.store.markProcessed(consumer, messageId)) {
			this.skipped.increment();
			if (logger.isDebugEnabled()) {
				logger.debug("Skipping message " + messageId + ": consumer " + consumer + " processed it before");
			}
			return false;
		}
		action.run();
		this.processed.increment();
		return true;
	}

}
