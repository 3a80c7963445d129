package dev.lossless.kafka.consumer;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;

/**
 * Reports rebalances. The container commits the offsets of processed records before
 * revoked partitions are given away; lost partitions (the consumer was fenced out of the
 * group) cannot be committed, so their unprocessed records are redelivered to the new
 * owner and logged here. The application's own rebalance listeners are called after it,
 * so that defining one adds behaviour and keeps these reports (Spring Boot gives a
 * container one rebalance listener, and none when there are two).
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class RebalanceListener implements ConsumerAwareRebalanceListener {

	private static final Log logger = LogFactory.getLog(RebalanceListener.class);

	private final LongAdder revocations = new LongAdder();

	private final LongAdder losses = new LongAdder();

	private final Supplier<List<ConsumerAwareRebalanceListener>> applicationListeners;

	/**
	 * Create an instance that calls no other listener.
	 */
	public RebalanceListener() {
		this(List::of);
	}

	/**
	 * Create an instance that calls the application's own rebalance listeners after its
	 * own reports.
	 * @param applicationListeners the application's listeners, asked for on every
	 * rebalance (the supplier caches them)
	 * @since 0.2.0
	 */
	public RebalanceListener(Supplier<List<ConsumerAwareRebalanceListener>> applicationListeners) {
		this.applicationListeners = applicationListeners;
	}

	@Override
	public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		this.applicationListeners.get()
			.forEach((listener) -> listener.onPartitionsRevokedBeforeCommit(consumer, partitions));
	}

	@Override
	public void onPartitionsRevokedAfterCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		if (!partitions.isEmpty()) {
			this.revocations.increment();
			logger.info("Partitions revoked after committing processed offsets: " + partitions);
		}
		this.applicationListeners.get()
			.forEach((listener) -> listener.onPartitionsRevokedAfterCommit(consumer, partitions));
	}

	@Override
	public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		this.losses.increment();
		logger.warn("Partitions lost without a commit (the consumer left the group); their uncommitted records "
				+ "are redelivered to the new owner: " + partitions);
		this.applicationListeners.get().forEach((listener) -> listener.onPartitionsLost(consumer, partitions));
	}

	@Override
	public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		logger.info("Partitions assigned: " + partitions);
		this.applicationListeners.get().forEach((listener) -> listener.onPartitionsAssigned(consumer, partitions));
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
