package dev.lossless.kafka.sequence;

import java.time.Duration;
import java.util.Map;

import dev.lossless.kafka.support.ForwardingConsumer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * A consumer whose commits of given offsets carry the partitions' sequence windows (and
 * whose failed commits are noted, so that their open gaps stay with this member);
 * everything else goes straight to the client.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class SequenceWindowConsumer<K, V> extends ForwardingConsumer<K, V> {

	private static final Log logger = LogFactory.getLog(SequenceWindowConsumer.class);

	private final SequenceWindowCommits commits;

	SequenceWindowConsumer(Consumer<K, V> delegate, SequenceWindowCommits commits) {
		super(delegate);
		this.commits = commits;
	}

	@Override
	public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
		String group = group();
		try {
			this.delegate.commitSync(this.commits.withWindows(group, offsets));
		}
		catch (RuntimeException ex) {
			this.commits.notCommitted(group, offsets.keySet());
			throw ex;
		}
	}

	@Override
	public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
		String group = group();
		try {
			this.delegate.commitSync(this.commits.withWindows(group, offsets), timeout);
		}
		catch (RuntimeException ex) {
			this.commits.notCommitted(group, offsets.keySet());
			throw ex;
		}
	}

	@Override
	public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, @Nullable OffsetCommitCallback callback) {
		String group = group();
		this.delegate.commitAsync(this.commits.withWindows(group, offsets), (committed, ex) -> {
			if (ex != null) {
				this.commits.notCommitted(group, offsets.keySet());
				if (callback == null) {
					logger.warn("Offset commit of " + offsets.keySet() + " failed", ex);
				}
			}
			if (callback != null) {
				callback.onComplete(committed, ex);
			}
		});
	}

	private String group() {
		return this.delegate.groupMetadata().groupId();
	}

}
