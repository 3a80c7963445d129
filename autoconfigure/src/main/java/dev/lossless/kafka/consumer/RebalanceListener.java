package dev.lossless.kafka.consumer;

import java.util.Collection;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;

/**
 * Reports rebalances. The container commits the offsets of processed records before
 * revoked partitions are given away; lost partitions (the consumer was fenced out of the
 * group) cannot be committed, so their unprocessed records are redelivered to the new
 * owner and logged here.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class RebalanceListener implements ConsumerAwareRebalanceListener {

	private static final Log logger = LogFactory.getLog(RebalanceListener.class);

	private final LongAdder revocations = new LongAdder();

	private final LongAdder losses = new LongAdder();

	@Override
	public void onPartitionsRevokedAfterCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		if (!partitions.isEmpty()) {
			this.revocations.increment();
			logger.info("Partitions revoked after committing processed offsets: " + partitions);
		}
	}

	@Override
	public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		this.losses.increment();
		logger.warn("Partitions lost without a commit (the consumer left the group); their uncommitted records "
				+ "are redelivered to the new owner: " + partitions);
	}

	@Override
	public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		logger.info("Partitions assigned: " + partitions);
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
