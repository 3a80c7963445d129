package dev.lossless.kafka.sequence;

import java.util.Collection;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;

/**
 * Wraps a listener container's rebalance listener so that the {@link SequenceChecker}
 * forgets what a consumer group saw on partitions that change hands: records another
 * member processed in between are not gaps. The wrapped listener, the application's or
 * the starter's, is called as the container would call it.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class SequenceWindowResetter implements ConsumerAwareRebalanceListener {

	private final @Nullable ConsumerRebalanceListener delegate;

	private final SequenceChecker checker;

	private final String group;

	/**
	 * Create an instance.
	 * @param delegate the container's rebalance listener, or {@code null}
	 * @param checker the sequence checker
	 * @param group the container's consumer group
	 */
	public SequenceWindowResetter(@Nullable ConsumerRebalanceListener delegate, SequenceChecker checker, String group) {
		this.delegate = delegate;
		this.checker = checker;
		this.group = group;
	}

	/**
	 * Return the wrapped rebalance listener.
	 * @return the listener, or {@code null}
	 */
	public @Nullable ConsumerRebalanceListener getDelegate() {
		return this.delegate;
	}

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
			this.checker.forget(this.group, partitions);
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
			this.checker.forget(this.group, partitions);
		}
	}

	@Override
	public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		this.checker.forget(this.group, partitions);
		if (this.delegate instanceof ConsumerAwareRebalanceListener aware) {
			aware.onPartitionsAssigned(consumer, partitions);
		}
		else if (this.delegate != null) {
			this.delegate.onPartitionsAssigned(partitions);
		}
	}

}
