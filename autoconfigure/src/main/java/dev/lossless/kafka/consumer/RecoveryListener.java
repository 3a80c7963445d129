package dev.lossless.kafka.consumer;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.RetryListener;

/**
 * Observes the error handler: failed delivery attempts, records published to the
 * dead-letter topic, and dead-letter publishes that failed. A failed publish leaves its
 * partition stalled on the record, which is retried, never skipped, until a publish
 * succeeds; the stalled partitions are kept for the health.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class RecoveryListener implements RetryListener {

	private static final Log logger = LogFactory.getLog(RecoveryListener.class);

	private final LongAdder failedDeliveries = new LongAdder();

	private final LongAdder deadLettered = new LongAdder();

	private final LongAdder deadLetterFailures = new LongAdder();

	private final Map<TopicPartition, StalledRecord> stalled = new ConcurrentHashMap<>();

	@Override
	public void failedDelivery(ConsumerRecord<?, ?> record, @Nullable Exception ex, int deliveryAttempt) {
		this.failedDeliveries.increment();
	}

	@Override
	public void recovered(ConsumerRecord<?, ?> record, @Nullable Exception ex) {
		this.deadLettered.increment();
		this.stalled.remove(new TopicPartition(record.topic(), record.partition()));
		logger.warn("Record " + record.topic() + "-" + record.partition() + "@" + record.offset()
				+ " published to the dead-letter topic after: " + ex);
	}

	@Override
	public void recoveryFailed(ConsumerRecord<?, ?> record, @Nullable Exception original, Exception failure) {
		this.deadLetterFailures.increment();
		TopicPartition partition = new TopicPartition(record.topic(), record.partition());
		this.stalled.put(partition, new StalledRecord(record.topic(), record.partition(), record.offset(),
				failure.toString(), Instant.now()));
		logger.error("Dead-letter publishing failed for " + partition + "@" + record.offset()
				+ "; the record is retried, not skipped, and the partition waits for it", failure);
	}

	/**
	 * Return the counts observed so far and the stalled partitions.
	 * @return the statistics
	 */
	public RecoveryStatistics statistics() {
		return new RecoveryStatistics(this.failedDeliveries.sum(), this.deadLettered.sum(),
				this.deadLetterFailures.sum(), List.copyOf(this.stalled.values()));
	}

	/**
	 * Counts of the error handler's work.
	 *
	 * @param failedDeliveries delivery attempts that threw
	 * @param deadLettered records published to a dead-letter topic
	 * @param deadLetterFailures dead-letter publishes that failed
	 * @param stalled partitions whose record could not be published to the dead-letter
	 * topic
	 */
	public record RecoveryStatistics(long failedDeliveries, long deadLettered, long deadLetterFailures,
			List<StalledRecord> stalled) {

	}

	/**
	 * A record that could not be published to its dead-letter topic and is retried.
	 *
	 * @param topic the topic
	 * @param partition the partition
	 * @param offset the offset
	 * @param failure why the publish failed
	 * @param since when the publish failed
	 */
	public record StalledRecord(String topic, int partition, long offset, String failure, Instant since) {

	}

}
