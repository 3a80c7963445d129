package dev.lossless.kafka.producer;

import dev.lossless.kafka.sequence.SequenceStamp;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

/**
 * A record sent again as the same message with the sequence stamp of its first attempt,
 * as the transactional outbox's relay does after an ambiguous failure. The starter's
 * stamping producer keeps the stamp of such a record when it carries one and names its
 * partition, instead of taking a new number, and tells it the stamp it gives it
 * otherwise. A re-send is then a duplicate or a late fill for the sequence check, never a
 * gap plus a new number. The stamp header of any other record is replaced, as a forwarded
 * record's must be. The record itself carries the request (a callback would not: the
 * producer factory wraps it).
 *
 * @param <K> the key type
 * @param <V> the value type
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class StampKeepingRecord<K, V> extends ProducerRecord<K, V> {

	private volatile @Nullable SequenceStamp stamp;

	private volatile int stampPartition = -1;

	/**
	 * Create an instance.
	 * @param topic the topic
	 * @param partition the partition, or {@code null}; a record that keeps a stamp names
	 * the partition of that stamp
	 * @param timestamp the timestamp, or {@code null}
	 * @param key the key
	 * @param value the value
	 * @param headers the headers, the stamp to keep among them
	 */
	public StampKeepingRecord(String topic, @Nullable Integer partition, @Nullable Long timestamp, @Nullable K key,
			@Nullable V value, Iterable<Header> headers) {
		super(topic, partition, timestamp, key, value, headers);
	}

	/**
	 * Return the stamp the producer gave this record, when it carried none.
	 * @return the stamp, or {@code null}; a send that fails at once gives its number
	 * back, and the stamp must then be forgotten
	 */
	public @Nullable SequenceStamp stamp() {
		return this.stamp;
	}

	/**
	 * Return the partition of {@link #stamp()}.
	 * @return the partition, or {@code -1} without a stamp
	 */
	public int stampPartition() {
		return this.stampPartition;
	}

	void stamped(int partition, SequenceStamp stamp) {
		this.stampPartition = partition;
		this.stamp = stamp;
	}

}
