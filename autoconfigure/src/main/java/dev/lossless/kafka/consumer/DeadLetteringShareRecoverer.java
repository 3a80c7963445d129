package dev.lossless.kafka.consumer;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.kafka.listener.ShareConsumerRecordRecoverer;
import org.springframework.util.Assert;

/**
 * The starter's recoverer for share consumers (KIP-932): a failed record is released, so
 * the broker redelivers it, until one delivery before the group's delivery limit; then it
 * is published to its dead-letter topic and acknowledged only once that publish is
 * acknowledged. It never rejects: a record whose dead-letter publish fails is released
 * again, and the spare delivery left below the limit gives that publish a second try
 * before the broker archives the record.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class DeadLetteringShareRecoverer implements ShareConsumerRecordRecoverer {

	private static final Log logger = LogFactory.getLog(DeadLetteringShareRecoverer.class);

	private final BiConsumer<ConsumerRecord<?, ?>, Exception> deadLetters;

	private final int deliveryCountLimit;

	private final AtomicLong released = new AtomicLong();

	private final AtomicLong deadLettered = new AtomicLong();

	private final AtomicLong deadLetterFailures = new AtomicLong();

	private final AtomicLong archived = new AtomicLong();

	/**
	 * Create an instance.
	 * @param deadLetters publishes a record to its dead-letter topic and returns only
	 * once the publish is acknowledged, throwing when it failed (a
	 * {@code DeadLetterPublishingRecoverer} that fails if the send result is an error)
	 * @param deliveryCountLimit the brokers' {@code group.share.delivery.count.limit}
	 */
	public DeadLetteringShareRecoverer(BiConsumer<ConsumerRecord<?, ?>, Exception> deadLetters,
			int deliveryCountLimit) {
		Assert.isTrue(deliveryCountLimit >= 1, "'deliveryCountLimit' must be at least 1");
		this.deadLetters = deadLetters;
		this.deliveryCountLimit = deliveryCountLimit;
	}

	@Override
	public AcknowledgeType recover(ConsumerRecord<?, ?> record, Exception exception) {
		int delivery = record.deliveryCount().map(Short::intValue).orElse(1);
		// keep one delivery below the limit so a failed dead-letter publish can be
		// retried
		if (delivery < lastRetry()) {
			this.released.incrementAndGet();
			return AcknowledgeType.RELEASE;
		}
		try {
			this.deadLetters.accept(record, exception);
			this.deadLettered.incrementAndGet();
			return AcknowledgeType.ACCEPT;
		}
		catch (RuntimeException ex) {
			this.deadLetterFailures.incrementAndGet();
			this.released.incrementAndGet();
			if (delivery >= this.deliveryCountLimit) {
				this.archived.incrementAndGet();
				logger.error("Dead-letter publish failed on the last delivery of " + describe(record)
						+ "; the broker archives it now", ex);
			}
			else {
				logger.warn("Dead-letter publish failed for " + describe(record) + " (delivery " + delivery + " of "
						+ this.deliveryCountLimit + "); released for another delivery", ex);
			}
			return AcknowledgeType.RELEASE;
		}
	}

	private int lastRetry() {
		return Math.max(1, this.deliveryCountLimit - 1);
	}

	private static String describe(ConsumerRecord<?, ?> record) {
		return record.topic() + "-" + record.partition() + "@" + record.offset();
	}

	/**
	 * Return the brokers' delivery limit this recoverer dead-letters below.
	 * @return the delivery count limit
	 */
	public int getDeliveryCountLimit() {
		return this.deliveryCountLimit;
	}

	/**
	 * Return the number of failed records released for another delivery.
	 * @return the number of releases
	 */
	public long released() {
		return this.released.get();
	}

	/**
	 * Return the number of records published to a dead-letter topic and acknowledged.
	 * @return the number of dead-lettered records
	 */
	public long deadLettered() {
		return this.deadLettered.get();
	}

	/**
	 * Return the number of failed records released on their last delivery after their
	 * dead-letter publish failed: the broker archived them, and they are lost.
	 * @return the number of records archived without a dead letter
	 */
	public long archived() {
		return this.archived.get();
	}

	/**
	 * Return the number of dead-letter publishes that failed.
	 * @return the number of failed dead-letter publishes
	 */
	public long deadLetterFailures() {
		return this.deadLetterFailures.get();
	}

}
