package dev.lossless.kafka.sequence;

import java.util.Map;

import dev.lossless.kafka.support.ForwardingProducer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;

/**
 * A producer that sends the partitions' sequence windows to the transaction with the
 * offsets; everything else goes straight to the client.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class SequenceWindowProducer<K, V> extends ForwardingProducer<K, V> {

	private final SequenceWindowCommits commits;

	SequenceWindowProducer(Producer<K, V> delegate, SequenceWindowCommits commits) {
		super(delegate);
		this.commits = commits;
	}

	@Override
	public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
			ConsumerGroupMetadata groupMetadata) {
		this.delegate.sendOffsetsToTransaction(this.commits.withWindows(groupMetadata.groupId(), offsets),
				groupMetadata);
	}

}
