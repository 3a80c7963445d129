package dev.lossless.kafka.consumer;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Records of batch listeners that were dead-lettered while their batch is delivered again
 * (rolled back under exactly-once, or sought back): the record, already in the
 * dead-letter topic, must not reach the listener nor be published a second time. Kept per
 * consumer group until a batch of the partition starts past them.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class DeadLetteredBatchRecords {

	private final Map<Key, Set<Long>> offsets = new ConcurrentHashMap<>();

	/**
	 * Remember a record dead-lettered for a group.
	 * @param group the consumer group
	 * @param record the record
	 */
	public void add(String group, ConsumerRecord<?, ?> record) {
		this.offsets.computeIfAbsent(key(group, record), (key) -> ConcurrentHashMap.newKeySet()).add(record.offset());
	}

	/**
	 * Return whether a record was dead-lettered for a group.
	 * @param group the consumer group
	 * @param record the record
	 * @return whether it is in the dead-letter topic already
	 */
	public boolean contains(String group, ConsumerRecord<?, ?> record) {
		Set<Long> dead = this.offsets.get(key(group, record));
		return dead != null && dead.contains(record.offset());
	}

	/**
	 * Forget the records of a partition before an offset: the group's position has moved
	 * past them.
	 * @param group the consumer group
	 * @param partition the partition
	 * @param offset the first offset still to be delivered
	 */
	void forgetBefore(String group, TopicPartition partition, long offset) {
		Key key = new Key(group, partition);
		Set<Long> dead = this.offsets.get(key);
		if (dead != null) {
			dead.removeIf((deadOffset) -> deadOffset < offset);
			this.offsets.remove(key, Set.of());
		}
	}

	private static Key key(String group, ConsumerRecord<?, ?> record) {
		return new Key(group, new TopicPartition(record.topic(), record.partition()));
	}

	private record Key(String group, TopicPartition partition) {

	}

}
