package dev.lossless.kafka.consumer;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import dev.lossless.kafka.consumer.ConsumerOffsetsSnapshot.PartitionOffsets;
import dev.lossless.kafka.consumer.ConsumerOffsetsSnapshot.Verdict;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The offsets a consumer group never read because they were deleted first (retention,
 * {@code DeleteRecords}) or skipped by an automatic out-of-range reset: per group and
 * topic partition, the ranges reported and the ranges not yet acknowledged. A range is
 * counted once however many detectors see it; it stays unacknowledged when the group
 * moves on, until an operator acknowledges it. Offsets are counted, not records:
 * transaction markers and compaction leave offsets that held no record a consumer would
 * see, so a range can hold fewer records than offsets.
 * <p>
 * Kept in memory: a restart forgets the ranges reported before it. A loss whose committed
 * offset is still below the log start offset is found again when the partition is
 * assigned after the restart.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class LostOffsets {

	private static final Log logger = LogFactory.getLog(LostOffsets.class);

	/**
	 * How many ranges a partition keeps before merging its oldest ones.
	 */
	static final int MAX_RANGES_PER_PARTITION = 1024;

	private final Clock clock;

	private final Map<Key, Ranges> partitions = new ConcurrentHashMap<>();

	/**
	 * Create an instance.
	 */
	public LostOffsets() {
		this(Clock.systemUTC());
	}

	LostOffsets(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Report offsets a group will never read.
	 * @param group the consumer group
	 * @param topic the topic
	 * @param partition the partition
	 * @param from the first lost offset
	 * @param to the offset after the last lost one
	 * @param how how the loss was detected, for the log
	 * @return how many of these offsets were not reported before
	 */
	public long report(String group, String topic, int partition, long from, long to, String how) {
		if (to <= from) {
			return 0;
		}
		Key key = new Key(group, topic, partition);
		Ranges ranges = this.partitions.computeIfAbsent(key, (k) -> new Ranges());
		long added;
		synchronized (ranges) {
			added = ranges.add(from, to, this.clock.instant());
		}
		if (added > 0) {
			logger.error("Lost offsets: consumer group '" + group + "' never read " + added + " offset(s) of " + topic
					+ "-" + partition + " in [" + from + ", " + to + ") (" + how
					+ "); the records were deleted before the group read them. They stay reported until "
					+ "acknowledged (DELETE /actuator/kafkareliability/lost-offsets)");
		}
		return added;
	}

	/**
	 * Report the partitions of a snapshot whose committed offset is below the log start
	 * offset.
	 * @param snapshot the snapshot
	 */
	public void report(ConsumerOffsetsSnapshot snapshot) {
		for (PartitionOffsets offsets : snapshot.withVerdict(Verdict.LOST)) {
			Long committed = offsets.committed();
			if (committed != null) {
				report(offsets.group(), offsets.topic(), offsets.partition(), committed, offsets.logStart(),
						"committed offset below the log start offset");
			}
		}
	}

	/**
	 * Acknowledge lost offsets of one partition: an operator has looked at them. The
	 * totals are kept.
	 * @param group the consumer group
	 * @param topic the topic
	 * @param partition the partition
	 * @param from the first offset to acknowledge, or {@code null} from the first
	 * @param to the offset after the last one to acknowledge, or {@code null} for every
	 * offset from {@code from}
	 * @return what was acknowledged, nothing when no range was open there
	 */
	public Acknowledged acknowledge(String group, String topic, int partition, @Nullable Long from, @Nullable Long to) {
		Assert.isTrue(from == null || to == null || from < to, "'from' must be below 'to'");
		Ranges ranges = this.partitions.get(new Key(group, topic, partition));
		if (ranges == null) {
			return new Acknowledged(List.of(), 0);
		}
		List<LostRange> cleared = new ArrayList<>();
		long unlisted = 0;
		synchronized (ranges) {
			if (from == null && to == null) {
				unlisted = ranges.unlisted;
				ranges.unlisted = 0;
			}
			long low = (from != null) ? from : Long.MIN_VALUE;
			long high = (to != null) ? to : Long.MAX_VALUE;
			for (Map.Entry<Long, Opened> range : new ArrayList<>(ranges.open.entrySet())) {
				long start = Math.max(range.getKey(), low);
				long end = Math.min(range.getValue().to(), high);
				if (start < end) {
					ranges.open.remove(range.getKey());
					if (range.getKey() < start) {
						ranges.open.put(range.getKey(), new Opened(start, range.getValue().detectedAt()));
					}
					if (end < range.getValue().to()) {
						ranges.open.put(end, new Opened(range.getValue().to(), range.getValue().detectedAt()));
					}
					cleared.add(new LostRange(group, topic, partition, start, end, range.getValue().detectedAt()));
				}
			}
		}
		cleared.forEach((range) -> logger.info("Acknowledged lost offsets: " + range.describe()));
		if (unlisted > 0) {
			logger.info("Acknowledged lost offsets: group " + group + ", " + topic + "-" + partition + ": " + unlisted
					+ " offset(s) of ranges no longer listed");
		}
		return new Acknowledged(cleared, unlisted);
	}

	/**
	 * Return the ranges not acknowledged yet, by group, topic and partition then offset.
	 * @return the ranges
	 */
	public List<LostRange> unacknowledged() {
		List<LostRange> open = new ArrayList<>();
		this.partitions.forEach((key, ranges) -> {
			synchronized (ranges) {
				ranges.open.forEach((from, opened) -> open.add(new LostRange(key.group(), key.topic(), key.partition(),
						from, opened.to(), opened.detectedAt())));
			}
		});
		open.sort(Comparator.comparing(LostRange::group)
			.thenComparing(LostRange::topic)
			.thenComparingInt(LostRange::partition)
			.thenComparingLong(LostRange::from));
		return open;
	}

	/**
	 * Return how many offsets are lost and not acknowledged yet, those of ranges no
	 * longer listed included.
	 * @return the count
	 */
	public long unacknowledgedOffsets() {
		long offsets = 0;
		for (Ranges ranges : this.partitions.values()) {
			synchronized (ranges) {
				offsets += ranges.unlisted;
				for (Map.Entry<Long, Opened> range : ranges.open.entrySet()) {
					offsets += range.getValue().to() - range.getKey();
				}
			}
		}
		return offsets;
	}

	/**
	 * Return the offsets lost since the application started, acknowledged or not, per
	 * partition.
	 * @return the totals
	 */
	public List<PartitionTotal> totals() {
		List<PartitionTotal> totals = new ArrayList<>();
		this.partitions.forEach((key, ranges) -> {
			synchronized (ranges) {
				totals.add(new PartitionTotal(key.group(), key.topic(), key.partition(), ranges.total));
			}
		});
		return totals;
	}

	/**
	 * A range of offsets a consumer group never read.
	 *
	 * @param group the consumer group
	 * @param topic the topic
	 * @param partition the partition
	 * @param from the first lost offset
	 * @param to the offset after the last lost one
	 * @param detectedAt when the first of these offsets was reported
	 */
	public record LostRange(String group, String topic, int partition, long from, long to, Instant detectedAt) {

		/**
		 * Return how many offsets the range holds.
		 * @return the count
		 */
		public long offsets() {
			return this.to - this.from;
		}

		/**
		 * Describe the range for a log or a health detail.
		 * @return the description
		 */
		public String describe() {
			return "group " + this.group + ", " + this.topic + "-" + this.partition + ": offsets " + this.from + " to "
					+ (this.to - 1) + " (" + offsets() + " offset(s)), detected " + this.detectedAt;
		}

	}

	/**
	 * What an acknowledgement cleared.
	 *
	 * @param ranges the ranges cleared
	 * @param unlistedOffsets the offsets cleared of ranges no longer listed
	 */
	public record Acknowledged(List<LostRange> ranges, long unlistedOffsets) {

		/**
		 * Return how many offsets were acknowledged.
		 * @return the count
		 */
		public long offsets() {
			return this.unlistedOffsets + this.ranges.stream().mapToLong(LostRange::offsets).sum();
		}

	}

	/**
	 * The offsets lost on one partition since the application started.
	 *
	 * @param group the consumer group
	 * @param topic the topic
	 * @param partition the partition
	 * @param offsets how many offsets were lost
	 */
	public record PartitionTotal(String group, String topic, int partition, long offsets) {

	}

	private record Key(String group, String topic, int partition) {

	}

	private record Opened(long to, Instant detectedAt) {

	}

	/**
	 * Every range reported on one partition, merged, and those not acknowledged.
	 */
	private static final class Ranges {

		private final TreeMap<Long, Long> reported = new TreeMap<>();

		private final TreeMap<Long, Opened> open = new TreeMap<>();

		private long total;

		/**
		 * Open offsets of ranges no longer listed, acknowledged with the whole partition.
		 */
		private long unlisted;

		long add(long from, long to, Instant now) {
			long added = 0;
			long cursor = from;
			Map.Entry<Long, Long> before = this.reported.floorEntry(from);
			if (before != null && before.getValue() > cursor) {
				cursor = before.getValue();
			}
			while (cursor < to) {
				Map.Entry<Long, Long> next = this.reported.ceilingEntry(cursor);
				long end = (next != null) ? Math.min(to, next.getKey()) : to;
				if (cursor < end) {
					this.open.put(cursor, new Opened(end, now));
					added += end - cursor;
				}
				cursor = (next != null && next.getKey() < to) ? Math.max(end, next.getValue()) : to;
			}
			merge(from, to);
			this.total += added;
			while (this.open.size() > MAX_RANGES_PER_PARTITION) {
				// bounded memory: the oldest range is no longer listed, its offsets still
				// count
				Map.Entry<Long, Opened> oldest = this.open.pollFirstEntry();
				this.unlisted += oldest.getValue().to() - oldest.getKey();
			}
			while (this.reported.size() > MAX_RANGES_PER_PARTITION) {
				Map.Entry<Long, Long> first = this.reported.pollFirstEntry();
				Map.Entry<Long, Long> second = this.reported.pollFirstEntry();
				this.reported.put(first.getKey(), second.getValue());
			}
			return added;
		}

		private void merge(long from, long to) {
			long start = from;
			long end = to;
			Map.Entry<Long, Long> before = this.reported.floorEntry(from);
			if (before != null && before.getValue() >= from) {
				start = before.getKey();
				end = Math.max(end, before.getValue());
			}
			Map.Entry<Long, Long> next = this.reported.ceilingEntry(start);
			while (next != null && next.getKey() <= end) {
				end = Math.max(end, next.getValue());
				this.reported.remove(next.getKey());
				next = this.reported.ceilingEntry(start);
			}
			this.reported.put(start, end);
		}

	}

}
