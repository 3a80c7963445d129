package dev.lossless.kafka.support;

import java.util.Collection;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;

/**
 * A rebalance listener that wraps a listener container's own (the application's or the
 * starter's), calls it as the container would, and lets a subclass act on the partitions
 * it is given and on those it gives up, whatever the wrapped listener throws.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public abstract class ForwardingRebalanceListener implements ConsumerAwareRebalanceListener {

	private final @Nullable ConsumerRebalanceListener delegate;

	/**
	 * Create an instance.
	 * @param delegate the container's rebalance listener, or {@code null}
	 */
	protected ForwardingRebalanceListener(@Nullable ConsumerRebalanceListener delegate) {
		this.delegate = delegate;
	}

	/**
	 * Return the wrapped rebalance listener.
	 * @return the listener, or {@code null}
	 */
	public @Nullable ConsumerRebalanceListener getDelegate() {
		return this.delegate;
	}

	/**
	 * Act on partitions assigned to the consumer, before the wrapped listener is told.
	 * @param consumer the consumer
	 * @param partitions the partitions
	 */
	protected abstract void assigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions);

	/**
	 * Act on partitions the consumer gave up (revoked after the commit, or lost), after
	 * the wrapped listener was told.
	 * @param partitions the partitions
	 */
	protected abstract void released(Collection<TopicPartition> partitions);

	@Override
	public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		if (this.delegate instanceof ConsumerAwareRebalanceListener aware) {
			aware.onPartitionsRevokedBeforeCommit(consumer, partitions);
		}
		else if (this.delegate != null) {
			this.delegate.onPartitionsRevoked(partitions);
		}
	}

	@Override
	public void onPartitionsRevokedAfterCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		try {
			if (this.delegate instanceof ConsumerAwareRebalanceListener aware) {
				aware.onPartitionsRevokedAfterCommit(consumer, partitions);
			}
		}
		finally {
			released(partitions);
		}
	}

	@Override
	public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		try {
			if (this.delegate instanceof ConsumerAwareRebalanceListener aware) {
				aware.onPartitionsLost(consumer, partitions);
			}
			else if (this.delegate != null) {
				this.delegate.onPartitionsLost(partitions);
			}
		}
		finally {
			released(partitions);
		}
	}

	@Override
	public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		try {
			assigned(consumer, partitions);
		}
		finally {
			if (this.delegate instanceof ConsumerAwareRebalanceListener aware) {
				aware.onPartitionsAssigned(consumer, partitions);
			}
			else if (this.delegate != null) {
				this.delegate.onPartitionsAssigned(partitions);
			}
		}
	}

}
