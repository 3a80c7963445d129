package dev.lossless.kafka.sequence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongPredicate;

import dev.lossless.kafka.sequence.SequenceChecker.OpenRange;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * The gaps still open, per consumer group, partition and producer: ranges of sequence
 * numbers that did not arrive, kept until their records arrive late or an operator
 * acknowledges them. The ranges of one producer never overlap, so a range seen again (the
 * next owner of a partition reading the records after a gap the commit carried) is open
 * once. Kept per partition, because commits and rebalances ask for one partition's gaps.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class OpenGaps {

	private static final Log logger = LogFactory.getLog(OpenGaps.class);

	private final Map<PartitionKey, PartitionGaps> partitions = new ConcurrentHashMap<>();

	private final int maxRanges;

	/**
	 * Create an instance.
	 * @param maxRanges the most ranges listed per producer and partition: the oldest
	 * beyond it are counted as unlisted, their records still unresolved
	 */
	OpenGaps(int maxRanges) {
		this.maxRanges = maxRanges;
	}

	/**
	 * Open a range of missing sequence numbers, leaving out the numbers already open.
	 * @param group the consumer group
	 * @param partition the partition
	 * @param producerId the producer
	 * @param first the first missing number
	 * @param last the last missing number
	 * @return how many of the numbers were not open yet
	 */
	long open(String group, TopicPartition partition, long producerId, long first, long last) {
		while (true) {
			PartitionGaps gaps = this.partitions.computeIfAbsent(PartitionKey.of(group, partition),
					(key) -> new PartitionGaps());
			synchronized (gaps) {
				if (!gaps.retired) {
					return gaps.open(producerId, first, last, this.maxRanges);
				}
			}
		}
	}

	/**
	 * Close the open number a record that arrived late fills.
	 * @param group the consumer group
	 * @param topic the record's topic
	 * @param partition the record's partition
	 * @param producerId the record's producer
	 * @param sequence the record's sequence number
	 * @return whether the number was open
	 */
	boolean fill(String group, String topic, int partition, long producerId, long sequence) {
		if (this.partitions.isEmpty()) {
			return false;
		}
		PartitionKey key = new PartitionKey(group, topic, partition);
		while (true) {
			PartitionGaps gaps = this.partitions.get(key);
			if (gaps == null) {
				return false;
			}
			synchronized (gaps) {
				if (gaps.retired) {
					continue;
				}
				TreeMap<Long, Long> ranges = gaps.ranges.get(producerId);
				if (ranges == null || cut(ranges, sequence, sequence) == null) {
					return false;
				}
				if (ranges.isEmpty()) {
					gaps.ranges.remove(producerId);
				}
				retireIfEmpty(key, gaps);
				return true;
			}
		}
	}

	/**
	 * Return whether the partition has gaps open in the group, listed or not.
	 * @param group the consumer group
	 * @param partition the partition
	 * @return whether it has
	 */
	boolean any(String group, TopicPartition partition) {
		PartitionGaps gaps = this.partitions.get(PartitionKey.of(group, partition));
		if (gaps == null) {
			return false;
		}
		synchronized (gaps) {
			return !gaps.ranges.isEmpty() || !gaps.unlisted.isEmpty();
		}
	}

	/**
	 * Append the partition's open ranges to a committed window.
	 * @param text the window
	 * @param group the consumer group
	 * @param partition the partition
	 * @param maxLength the most characters the window may have
	 * @return whether every open number was appended
	 */
	boolean appendTo(StringBuilder text, String group, TopicPartition partition, int maxLength) {
		PartitionGaps gaps = this.partitions.get(PartitionKey.of(group, partition));
		if (gaps == null) {
			return true;
		}
		synchronized (gaps) {
			boolean first = true;
			for (Map.Entry<Long, TreeMap<Long, Long>> producer : gaps.ranges.entrySet()) {
				for (Map.Entry<Long, Long> range : producer.getValue().entrySet()) {
					if (text.length() + SequenceWindowCodec.gapLength(range.getKey(), range.getValue()) > maxLength) {
						return false;
					}
					SequenceWindowCodec.appendGap(text, first, producer.getKey(), range.getKey(), range.getValue());
					first = false;
				}
			}
			return gaps.unlisted.isEmpty();
		}
	}

	/**
	 * Forget the partition's open gaps, because its next owner shows them now.
	 * @param group the consumer group
	 * @param partition the partition
	 */
	void handOver(String group, TopicPartition partition) {
		PartitionKey key = PartitionKey.of(group, partition);
		PartitionGaps gaps = this.partitions.get(key);
		if (gaps == null) {
			return;
		}
		synchronized (gaps) {
			gaps.ranges
				.forEach(
						(producerId,
								ranges) -> ranges.forEach((first, last) -> logger.info("Sequence gap handed over with "
										+ partition + " to its next owner in consumer group '" + group + "': producer "
										+ SequenceStamp.hex(producerId) + ", sequence " + first + " to " + last)));
			gaps.ranges.clear();
			gaps.unlisted.clear();
			retireIfEmpty(key, gaps);
		}
	}

	/**
	 * Close the open numbers of the partition in a range, as an operator acknowledged
	 * them.
	 * @param group the consumer group
	 * @param partition the partition
	 * @param producer which producers' numbers
	 * @param from the first number to close
	 * @param to the last number to close
	 * @param unlistedToo whether the counts of ranges no longer listed are cleared too
	 * @return the ranges closed
	 */
	List<OpenRange> acknowledge(String group, TopicPartition partition, LongPredicate producer, long from, long to,
			boolean unlistedToo) {
		PartitionKey key = PartitionKey.of(group, partition);
		PartitionGaps gaps = this.partitions.get(key);
		List<OpenRange> cleared = new ArrayList<>();
		if (gaps == null) {
			return cleared;
		}
		synchronized (gaps) {
			for (Map.Entry<Long, TreeMap<Long, Long>> entry : gaps.ranges.entrySet()) {
				if (!producer.test(entry.getKey())) {
					continue;
				}
				for (long[] range = cut(entry.getValue(), from, to); range != null; range = cut(entry.getValue(), from,
						to)) {
					cleared.add(openRange(key, entry.getKey(), range[0], range[1]));
				}
			}
			gaps.ranges.values().removeIf(TreeMap::isEmpty);
			if (unlistedToo) {
				gaps.unlisted.keySet().removeIf((producerId) -> {
					if (producer.test(producerId)) {
						logger.info("Acknowledged sequence gaps: consumer group '" + group + "', producer "
								+ SequenceStamp.hex(producerId) + " on " + partition + ", "
								+ gaps.unlisted.get(producerId) + " record(s) of ranges no longer listed");
						return true;
					}
					return false;
				});
			}
			retireIfEmpty(key, gaps);
		}
		return cleared;
	}

	/**
	 * Close every open number: an operator acknowledged them all.
	 */
	void clear() {
		this.partitions.forEach((key, gaps) -> {
			synchronized (gaps) {
				gaps.ranges.clear();
				gaps.unlisted.clear();
				retireIfEmpty(key, gaps);
			}
		});
	}

	/**
	 * Return how many numbers are open, with the first of their ranges.
	 * @param listed how many ranges to list at most
	 * @return the numbers open
	 */
	Unresolved unresolved(int listed) {
		List<OpenRange> ranges = new ArrayList<>();
		long records = 0;
		for (Map.Entry<PartitionKey, PartitionGaps> partition : this.partitions.entrySet()) {
			PartitionGaps gaps = partition.getValue();
			synchronized (gaps) {
				for (Map.Entry<Long, TreeMap<Long, Long>> producer : gaps.ranges.entrySet()) {
					for (Map.Entry<Long, Long> range : producer.getValue().entrySet()) {
						records += range.getValue() - range.getKey() + 1;
						if (ranges.size() < listed) {
							ranges.add(
									openRange(partition.getKey(), producer.getKey(), range.getKey(), range.getValue()));
						}
					}
				}
				for (long unlisted : gaps.unlisted.values()) {
					records += unlisted;
				}
			}
		}
		return new Unresolved(records, ranges);
	}

	private void retireIfEmpty(PartitionKey key, PartitionGaps gaps) {
		if (gaps.ranges.isEmpty() && gaps.unlisted.isEmpty()) {
			gaps.retired = true;
			this.partitions.remove(key, gaps);
		}
	}

	/**
	 * Remove the first open range that meets {@code [from, to]}, keeping its parts
	 * outside.
	 * @return the part removed, or {@code null} if none meets it
	 */
	private static long @Nullable [] cut(TreeMap<Long, Long> ranges, long from, long to) {
		Map.Entry<Long, Long> range = ranges.floorEntry(from);
		if (range == null || range.getValue() < from) {
			range = ranges.ceilingEntry(from);
		}
		if (range == null || range.getKey() > to) {
			return null;
		}
		ranges.remove(range.getKey());
		long first = Math.max(range.getKey(), from);
		long last = Math.min(range.getValue(), to);
		if (range.getKey() < first) {
			ranges.put(range.getKey(), first - 1);
		}
		if (last < range.getValue()) {
			ranges.put(last + 1, range.getValue());
		}
		return new long[] { first, last };
	}

	private static OpenRange openRange(PartitionKey key, long producerId, long first, long last) {
		return new OpenRange(key.group(), key.topic(), key.partition(), SequenceStamp.hex(producerId), first, last);
	}

	/**
	 * Open numbers.
	 *
	 * @param records how many numbers are open
	 * @param ranges the first ranges open
	 */
	record Unresolved(long records, List<OpenRange> ranges) {

	}

	private record PartitionKey(String group, String topic, int partition) {

		static PartitionKey of(String group, TopicPartition partition) {
			return new PartitionKey(group, partition.topic(), partition.partition());
		}

	}

	/**
	 * The open gaps of one partition in one group, guarded by its own lock.
	 */
	private static final class PartitionGaps {

		private final Map<Long, TreeMap<Long, Long>> ranges = new HashMap<>();

		/**
		 * Per producer, the numbers of the ranges no longer listed.
		 */
		private final Map<Long, Long> unlisted = new HashMap<>();

		/**
		 * Whether this instance was taken out of the map: whoever still holds it must
		 * look again.
		 */
		private boolean retired;

		long open(long producerId, long first, long last, int maxRanges) {
			TreeMap<Long, Long> ranges = this.ranges.computeIfAbsent(producerId, (key) -> new TreeMap<>());
			long opened = 0;
			long next = first;
			Map.Entry<Long, Long> before = ranges.floorEntry(first);
			if (before != null && before.getValue() >= first) {
				next = before.getValue() + 1;
			}
			Iterator<Map.Entry<Long, Long>> after = ranges.tailMap(first, false).entrySet().iterator();
			List<long[]> added = new ArrayList<>();
			while (next <= last) {
				Map.Entry<Long, Long> open = after.hasNext() ? after.next() : null;
				long end = (open != null && open.getKey() <= last) ? open.getKey() - 1 : last;
				if (next <= end) {
					added.add(new long[] { next, end });
					opened += end - next + 1;
				}
				if (open == null || open.getKey() > last) {
					break;
				}
				next = open.getValue() + 1;
			}
			added.forEach((range) -> ranges.put(range[0], range[1]));
			while (ranges.size() > maxRanges) {
				// bounded memory: the oldest range is no longer listed, its records stay
				// unresolved
				Map.Entry<Long, Long> oldest = ranges.pollFirstEntry();
				this.unlisted.merge(producerId, oldest.getValue() - oldest.getKey() + 1, Long::sum);
			}
			return opened;
		}

	}

}
