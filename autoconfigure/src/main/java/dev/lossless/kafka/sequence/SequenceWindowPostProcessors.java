package dev.lossless.kafka.sequence;

import org.springframework.kafka.core.ConsumerPostProcessor;
import org.springframework.kafka.core.ProducerPostProcessor;

/**
 * Wraps the clients that commit a listener container's offsets so that each commit
 * carries the partitions' sequence windows: the consumer's {@code commitSync} and
 * {@code commitAsync} with offsets, and, with transactions, the producer's
 * {@code sendOffsetsToTransaction}. spring-kafka's {@code OffsetAndMetadataProvider} is
 * not told the partition (4.1.1), so it cannot carry a partition's window.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class SequenceWindowPostProcessors {

	private SequenceWindowPostProcessors() {
	}

	/**
	 * Return a consumer post-processor that commits the windows with the offsets.
	 * @param commits adds the windows
	 * @return the post-processor
	 */
	public static ConsumerPostProcessor<Object, Object> consumers(SequenceWindowCommits commits) {
		return (consumer) -> {
			commits.prepare();
			return new SequenceWindowConsumer<>(consumer, commits);
		};
	}

	/**
	 * Return a producer post-processor that sends the windows to the transaction with the
	 * offsets.
	 * @param commits adds the windows
	 * @return the post-processor
	 */
	public static ProducerPostProcessor<Object, Object> producers(SequenceWindowCommits commits) {
		return (producer) -> new SequenceWindowProducer<>(producer, commits);
	}

}
