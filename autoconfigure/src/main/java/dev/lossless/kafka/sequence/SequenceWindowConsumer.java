package dev.lossless.kafka.sequence;

import java.time.Duration;
import java.util.Map;

import dev.lossless.kafka.support.ForwardingConsumer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * A consumer whose commits of given offsets carry the partitions' sequence windows;
 * everything else goes straight to the client.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class SequenceWindowConsumer<K, V> extends ForwardingConsumer<K, V> {

	private final SequenceWindowCommits commits;

	SequenceWindowConsumer(Consumer<K, V> delegate, SequenceWindowCommits commits) {
		super(delegate);
		this.commits = commits;
	}

	@Override
	public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
		this.delegate.commitSync(withWindows(offsets));
	}

	@Override
	public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
		this.delegate.commitSync(withWindows(offsets), timeout);
	}

	@Override
	public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, @Nullable OffsetCommitCallback callback) {
		this.delegate.commitAsync(withWindows(offsets), callback);
	}

	private Map<TopicPartition, OffsetAndMetadata> withWindows(Map<TopicPartition, OffsetAndMetadata> offsets) {
		return this.commits.withWindows(this.delegate.groupMetadata().groupId(), offsets);
	}

}
