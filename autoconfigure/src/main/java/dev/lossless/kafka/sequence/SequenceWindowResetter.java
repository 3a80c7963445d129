package dev.lossless.kafka.sequence;

import java.util.Collection;

import dev.lossless.kafka.support.ForwardingRebalanceListener;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * Wraps a listener container's rebalance listener so that the {@link SequenceChecker}
 * forgets what a consumer group saw on partitions that change hands: records another
 * member processed in between are not gaps. The wrapped listener, the application's or
 * the starter's, is called as the container would call it.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class SequenceWindowResetter extends ForwardingRebalanceListener {

	private final SequenceChecker checker;

	private final String group;

	/**
	 * Create an instance.
	 * @param delegate the container's rebalance listener, or {@code null}
	 * @param checker the sequence checker
	 * @param group the container's consumer group
	 */
	public SequenceWindowResetter(@Nullable ConsumerRebalanceListener delegate, SequenceChecker checker, String group) {
		super(delegate);
		this.checker = checker;
		this.group = group;
	}

	@Override
	protected void assigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		this.checker.forget(this.group, partitions);
	}

	@Override
	protected void released(Collection<TopicPartition> partitions) {
		this.checker.forget(this.group, partitions);
	}

}
