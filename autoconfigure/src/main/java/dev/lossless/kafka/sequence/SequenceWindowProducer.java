package dev.lossless.kafka.sequence;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import dev.lossless.kafka.support.ForwardingProducer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;

/**
 * A producer that sends the partitions' sequence windows to the transaction with the
 * offsets (and notes the offsets of a transaction that did not commit, so that their open
 * gaps stay with this member); everything else goes straight to the client.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class SequenceWindowProducer<K, V> extends ForwardingProducer<K, V> {

	private final SequenceWindowCommits commits;

	/**
	 * The partitions whose offsets the open transaction carries, per group.
	 */
	private final Map<String, Set<TopicPartition>> inTransaction = new HashMap<>();

	SequenceWindowProducer(Producer<K, V> delegate, SequenceWindowCommits commits) {
		super(delegate);
		this.commits = commits;
	}

	@Override
	public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
			ConsumerGroupMetadata groupMetadata) {
		String group = groupMetadata.groupId();
		synchronized (this.inTransaction) {
			this.inTransaction.computeIfAbsent(group, (key) -> new HashSet<>()).addAll(offsets.keySet());
		}
		this.delegate.sendOffsetsToTransaction(this.commits.withWindows(group, offsets), groupMetadata);
	}

	@Override
	public void beginTransaction() {
		// a transaction that ended without a commit (the producer was fenced) committed
		// nothing
		notCommitted();
		this.delegate.beginTransaction();
	}

	@Override
	public void commitTransaction() {
		try {
			this.delegate.commitTransaction();
		}
		catch (RuntimeException ex) {
			notCommitted();
			throw ex;
		}
		synchronized (this.inTransaction) {
			this.inTransaction.clear();
		}
	}

	@Override
	public void abortTransaction() {
		notCommitted();
		this.delegate.abortTransaction();
	}

	@Override
	public void close() {
		notCommitted();
		this.delegate.close();
	}

	@Override
	public void close(Duration timeout) {
		notCommitted();
		this.delegate.close(timeout);
	}

	private void notCommitted() {
		synchronized (this.inTransaction) {
			this.inTransaction.forEach(this.commits::notCommitted);
			this.inTransaction.clear();
		}
	}

}
