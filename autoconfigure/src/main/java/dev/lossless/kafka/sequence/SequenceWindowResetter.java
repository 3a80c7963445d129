package dev.lossless.kafka.sequence;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;

import dev.lossless.kafka.support.ForwardingRebalanceListener;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * Wraps a listener container's rebalance listener so that the {@link SequenceChecker}
 * forgets what a consumer group saw on partitions that change hands and, when partitions
 * are assigned, starts their windows from the windows committed with their offsets (see
 * {@link SequenceWindowCommits}): records another member processed in between are not
 * gaps, records missing in between are. The wrapped listener, the application's or the
 * starter's, is called as the container would call it.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class SequenceWindowResetter extends ForwardingRebalanceListener {

	private static final Log logger = LogFactory.getLog(SequenceWindowResetter.class);

	/**
	 * How long the committed offsets may take to read on the consumer's thread.
	 */
	static final Duration TIMEOUT = Duration.ofSeconds(10);

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
		if (partitions.isEmpty()) {
			return;
		}
		Map<TopicPartition, OffsetAndMetadata> committed;
		try {
			committed = consumer.committed(new HashSet<>(partitions), TIMEOUT);
		}
		catch (RuntimeException ex) {
			logger.warn("Consumer group '" + this.group + "' could not read its committed sequence windows of "
					+ partitions + "; their windows start afresh, a gap made before this assignment is not seen", ex);
			return;
		}
		committed.forEach((partition, offset) -> {
			if (offset != null) {
				this.checker.restore(this.group, partition, offset.offset(), offset.metadata());
			}
		});
	}

	@Override
	protected void released(Collection<TopicPartition> partitions) {
		this.checker.handOver(this.group, partitions);
	}

}
