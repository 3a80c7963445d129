package dev.lossless.kafka.consumer;

import java.util.Collection;
import java.util.concurrent.atomic.LongAdder;

import dev.lossless.kafka.sequence.SequenceChecker;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;

/**
 * Reports rebalances. The container commits the offsets of processed records before
 * revoked partitions are given away; lost partitions (the consumer was fenced out of the
 * group) cannot be committed, so their unprocessed records are redelivered to the new
 * owner and logged here. A {@link SequenceChecker} forgets what it saw on partitions that
 * change hands, so that records another consumer processed in between are not taken for
 * gaps.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class RebalanceListener implements ConsumerAwareRebalanceListener {

	private static final Log logger = LogFactory.getLog(RebalanceListener.class);

	private final LongAdder revocations = new LongAdder();

	private final LongAdder losses = new LongAdder();

	private final @Nullable SequenceChecker sequenceChecker;

	/**
	 * Create an instance.
	 * @param sequenceChecker the sequence checker to tell about partitions that change
	 * hands, or {@code null}
	 */
	public RebalanceListener(@Nullable SequenceChecker sequenceChecker) {
		this.sequenceChecker = sequenceChecker;
	}

	@Override
	public void onPartitionsRevokedAfterCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		if (!partitions.isEmpty()) {
			this.revocations.increment();
			logger.info("Partitions revoked after committing processed offsets: " + partitions);
		}
		forget(consumer, partitions);
	}

	@Override
	public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		this.losses.increment();
		logger.warn("Partitions lost without a commit (the consumer left the group); their uncommitted records "
				+ "are redelivered to the new owner: " + partitions);
		forget(consumer, partitions);
	}

	@Override
	public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		logger.info("Partitions assigned: " + partitions);
		forget(consumer, partitions);
	}

	private static @Nullable String groupId(Consumer<?, ?> consumer) {
		try {
			return consumer.groupMetadata().groupId();
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private void forget(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		if (this.sequenceChecker != null && !partitions.isEmpty()) {
			this.sequenceChecker.forget(groupId(consumer), partitions);
		}
	}

	/**
	 * Return the number of rebalances that revoked partitions from this application.
	 * @return the count
	 */
	public long revocations() {
		return this.revocations.sum();
	}

	/**
	 * Return the number of times partitions were lost without a commit.
	 * @return the count
	 */
	public long losses() {
		return this.losses.sum();
	}

}
