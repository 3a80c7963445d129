package dev.lossless.kafka.sequence;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

/**
 * Checks the sequence stamps of the records a consumer group receives, per producer and
 * topic partition: each record is in order, a duplicate, late (it fills a gap seen
 * before), or it follows a gap, a range of sequence numbers the producer took that never
 * arrived.
 * <p>
 * Offsets are not sequence numbers (transaction markers and compaction leave holes in
 * offsets), so only the producer's numbers are compared, and offsets only tell a record
 * read again from a record read for the first time: a record at an offset this group
 * already passed on this partition (a seek back after a failed listener, a rebalance that
 * hands the partition back) is counted as redelivered and compared with nothing. The
 * first record of each producer seen after the application started or after the partition
 * was (re)assigned starts the window. A gap stays unresolved until its records arrive
 * late (a replayed send) or an operator acknowledges it; it moves with its partition when
 * the committed window carried it.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class SequenceChecker {

	private static final Log logger = LogFactory.getLog(SequenceChecker.class);

	static final int MAX_PRODUCERS_PER_PARTITION = 1024;

	static final int MAX_OPEN_RANGES = 1024;

	/**
	 * How many producers evicted from a partition's window are kept in compact form (16
	 * bytes each), so that a producer idle for a while is still checked when it returns.
	 */
	static final int MAX_EVICTED_PRODUCERS_PER_PARTITION = 8192;

	static final int RECENT_GAPS = 10;

	/**
	 * How many changes of a partition's window are remembered until its offset is
	 * committed, so that the window committed is the one of the committed offset: 16
	 * times a default poll ({@code max.poll.records=500}), at 24 bytes a change at most
	 * 192 KiB a partition, also when no commit ever trims them (a window not persisted).
	 */
	static final int MAX_UNCOMMITTED_CHANGES = 8_192;

	private static final long ABSENT = Long.MIN_VALUE;

	private final Clock clock;

	private final Map<String, GroupWindows> windows = new ConcurrentHashMap<>();

	private final OpenGaps openGaps = new OpenGaps(MAX_OPEN_RANGES);

	private final Deque<SequenceGap> recentGaps = new ArrayDeque<>();

	private final LongAdder checked = new LongAdder();

	private final LongAdder redelivered = new LongAdder();

	private final LongAdder gaps = new LongAdder();

	private final LongAdder missing = new LongAdder();

	private final LongAdder duplicates = new LongAdder();

	private final LongAdder late = new LongAdder();

	private final LongAdder evictedProducers = new LongAdder();

	private final LongAdder forgottenProducers = new LongAdder();

	private final LongAdder restoredProducers = new LongAdder();

	private final LongAdder committedWindows = new LongAdder();

	private final LongAdder unpersistedProducers = new LongAdder();

	/**
	 * Create an instance.
	 */
	public SequenceChecker() {
		this(Clock.systemUTC());
	}

	SequenceChecker(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Check one received record.
	 * @param group the consumer group that received it
	 * @param record the record
	 * @return what the record is
	 */
	public Outcome check(String group, ConsumerRecord<?, ?> record) {
		Header header = SequenceStamp.header(record.headers());
		long sequence = SequenceStamp.sequence(header);
		if (header == null || sequence < 0) {
			return Outcome.UNSTAMPED;
		}
		long producerId = SequenceStamp.producerId(header);
		this.checked.increment();
		PartitionWindow window = window(group, record.topic(), record.partition());
		Outcome outcome;
		synchronized (window) {
			if (record.offset() <= window.highestOffset) {
				outcome = Outcome.REDELIVERED;
			}
			else {
				window.highestOffset = record.offset();
				outcome = check(window, group, record, producerId, sequence);
			}
		}
		count(outcome);
		return outcome;
	}

	private Outcome check(PartitionWindow window, String group, ConsumerRecord<?, ?> record, long producerId,
			long sequence) {
		ProducerPosition position = window.recent;
		if (position == null || position.producerId != producerId) {
			// the common case, a run of records of one producer, needs no lookup
			position = window.producers.get(producerId);
		}
		if (position == null) {
			position = window.restore(producerId);
		}
		if (position == null) {
			if (fill(group, record, producerId, sequence)) {
				return Outcome.LATE;
			}
			// a replayed record is older than what its producer sent since: it cannot
			// start a window
			if (record.headers().lastHeader(SequenceStamp.REPLAYED_HEADER) != null) {
				return Outcome.REPLAYED;
			}
			position = new ProducerPosition(producerId, sequence);
			window.changed(record.offset(), producerId, ABSENT);
			window.producers.put(producerId, position);
			window.recent = position;
			return Outcome.FIRST;
		}
		window.recent = position;
		long last = position.last;
		if (sequence == last + 1) {
			window.changed(record.offset(), producerId, last);
			position.last = sequence;
			return Outcome.IN_ORDER;
		}
		if (sequence > last + 1) {
			window.changed(record.offset(), producerId, last);
			position.last = sequence;
			gap(new SequenceGap(group, record.topic(), record.partition(), SequenceStamp.hex(producerId), last + 1,
					sequence - 1, this.clock.instant()), producerId);
			return Outcome.GAP;
		}
		// an old record does not move the window
		return fill(group, record, producerId, sequence) ? Outcome.LATE : Outcome.DUPLICATE;
	}

	private PartitionWindow window(String group, String topic, int partition) {
		GroupWindows windows = this.windows.get(group);
		if (windows == null) {
			windows = this.windows.computeIfAbsent(group,
					(key) -> new GroupWindows(this.evictedProducers, this.forgottenProducers));
		}
		return windows.window(topic, partition);
	}

	private void gap(SequenceGap gap, long producerId) {
		long opened = this.openGaps.open(gap.group(), new TopicPartition(gap.topic(), gap.partition()), producerId,
				gap.firstMissing(), gap.lastMissing());
		if (opened == 0) {
			// the previous owner saw it and handed it over with the commit
			logger.info("Sequence gap seen again: consumer group '" + gap.group() + "', producer " + gap.producer()
					+ " on " + gap.topic() + "-" + gap.partition() + ", sequence " + gap.firstMissing() + " to "
					+ gap.lastMissing() + ", already open");
			return;
		}
		this.gaps.increment();
		this.missing.add(opened);
		synchronized (this.recentGaps) {
			this.recentGaps.addFirst(gap);
			if (this.recentGaps.size() > RECENT_GAPS) {
				this.recentGaps.removeLast();
			}
		}
		logger.warn("Sequence gap: consumer group '" + gap.group() + "' received from producer " + gap.producer()
				+ " on " + gap.topic() + "-" + gap.partition() + " no record with sequence " + gap.firstMissing()
				+ ((gap.missingRecords() > 1) ? " to " + gap.lastMissing() : "") + " (" + gap.missingRecords()
				+ " record(s)" + ((opened < gap.missingRecords()) ? ", " + opened + " of them not open yet" : "")
				+ "); they were never written or were lost before this consumer read them");
	}

	private boolean fill(String group, ConsumerRecord<?, ?> record, long producerId, long sequence) {
		return this.openGaps.fill(group, record.topic(), record.partition(), producerId, sequence);
	}

	private void count(Outcome outcome) {
		switch (outcome) {
			case REDELIVERED -> this.redelivered.increment();
			case DUPLICATE -> this.duplicates.increment();
			case LATE -> this.late.increment();
			default -> {
			}
		}
	}

	/**
	 * Forget what the group saw on the given partitions, because they were revoked or
	 * assigned: the next record of each producer there starts a new window. Unresolved
	 * gaps are kept.
	 * @param group the consumer group, or {@code null} for every group
	 * @param partitions the partitions
	 */
	public void forget(@Nullable String group, Collection<TopicPartition> partitions) {
		for (TopicPartition partition : partitions) {
			if (group != null) {
				GroupWindows windows = this.windows.get(group);
				if (windows != null) {
					windows.forget(partition.topic(), partition.partition());
				}
			}
			else {
				this.windows.values().forEach((windows) -> windows.forget(partition.topic(), partition.partition()));
			}
		}
	}

	/**
	 * Return the window of a partition as it was when the group had processed every
	 * record below the given offset, encoded to be committed with that offset, and forget
	 * the changes below it. The producers used the least recently are left out (and
	 * counted) when the window does not fit.
	 * @param group the consumer group
	 * @param partition the partition
	 * @param offset the offset being committed: the next record to process
	 * @param maxLength the most characters the broker accepts
	 * @return the encoded window, or {@code null} if the group saw no producer there
	 * since the partition was assigned
	 * @since 0.2.0
	 * @see SequenceWindowCodec
	 */
	public @Nullable String committedWindow(String group, TopicPartition partition, long offset, int maxLength) {
		GroupWindows windows = this.windows.get(group);
		PartitionWindow window = (windows != null) ? windows.existing(partition.topic(), partition.partition()) : null;
		if (window == null) {
			return null;
		}
		StringBuilder text = new StringBuilder(SequenceWindowCodec.PREFIX);
		int written;
		int left;
		synchronized (window) {
			Map<Long, Long> atOffset = window.changesFrom(offset);
			int[] counts = new int[2];
			List<ProducerPosition> positions = new ArrayList<>(window.producers.values());
			for (int i = positions.size() - 1; i >= 0; i--) {
				ProducerPosition position = positions.get(i);
				append(text, position.producerId, atOffset.getOrDefault(position.producerId, position.last), maxLength,
						counts);
			}
			if (window.evictedIds != null && window.evictedLast != null) {
				for (int i = 1; i <= MAX_EVICTED_PRODUCERS_PER_PARTITION; i++) {
					int slot = Math.floorMod(window.nextEvicted - i, MAX_EVICTED_PRODUCERS_PER_PARTITION);
					long id = window.evictedIds[slot];
					if (window.evictedLast[slot] >= 0) {
						append(text, id, atOffset.getOrDefault(id, window.evictedLast[slot]), maxLength, counts);
					}
				}
			}
			written = counts[0];
			left = counts[1];
			window.gapsCommitted = this.openGaps.appendTo(text, group, partition, maxLength);
		}
		if (written == 0 && left == 0 && text.length() == SequenceWindowCodec.PREFIX.length()) {
			return null;
		}
		this.committedWindows.increment();
		this.unpersistedProducers.add(left);
		return text.toString();
	}

	/**
	 * Note that an offset of the partition was committed without its window (the brokers'
	 * limit is not known, or the metadata is the application's): the open gaps of the
	 * partition are then not handed over with it.
	 * @param group the consumer group
	 * @param partition the partition
	 * @since 0.2.0
	 */
	public void windowNotCommitted(String group, TopicPartition partition) {
		GroupWindows windows = this.windows.get(group);
		PartitionWindow window = (windows != null) ? windows.existing(partition.topic(), partition.partition()) : null;
		if (window != null) {
			synchronized (window) {
				window.gapsCommitted = false;
			}
		}
	}

	/**
	 * Forget what the group saw on partitions it no longer owns, and hand over their open
	 * gaps: those the last commit carried in its window are the next owner's to show (it
	 * reads them with the window, and sees a gap made by a record it reads again itself),
	 * so that a record sent again that fills them there resolves them; the others are
	 * kept.
	 * @param group the consumer group
	 * @param partitions the partitions revoked or lost
	 * @since 0.2.0
	 */
	public void handOver(String group, Collection<TopicPartition> partitions) {
		GroupWindows windows = this.windows.get(group);
		for (TopicPartition partition : partitions) {
			PartitionWindow window = (windows != null) ? windows.existing(partition.topic(), partition.partition())
					: null;
			boolean committed = false;
			if (window != null) {
				synchronized (window) {
					committed = window.gapsCommitted;
				}
			}
			if (committed) {
				this.openGaps.handOver(group, partition);
			}
		}
		forget(group, partitions);
	}

	private static void append(StringBuilder text, long producerId, long last, int maxLength, int[] counts) {
		if (last == ABSENT) {
			return;
		}
		int length = SequenceWindowCodec.length(last) - ((counts[0] == 0) ? 1 : 0);
		if (counts[1] == 0 && text.length() + length <= maxLength) {
			SequenceWindowCodec.append(text, producerId, last);
			counts[0]++;
		}
		else {
			// the producers idle the longest do not fit
			counts[1]++;
		}
	}

	/**
	 * Start the window of a newly assigned partition from the window committed with its
	 * offset, so that the check continues where the previous owner, or this application
	 * before a restart, stopped. Without a committed window the next record of each
	 * producer starts a new window.
	 * @param group the consumer group
	 * @param partition the partition
	 * @param offset the committed offset
	 * @param metadata the committed offset's metadata, or {@code null}
	 * @since 0.2.0
	 */
	public void restore(String group, TopicPartition partition, long offset, @Nullable String metadata) {
		GroupWindows windows = this.windows.computeIfAbsent(group,
				(key) -> new GroupWindows(this.evictedProducers, this.forgottenProducers));
		boolean ownGaps = this.openGaps.any(group, partition);
		for (SequenceWindowCodec.CommittedGap gap : SequenceWindowCodec.decodeGaps(metadata)) {
			// a range this member still shows (it kept what it could not hand over)
			// counts once
			this.openGaps.open(group, partition, gap.producerId(), gap.first(), gap.last());
		}
		Map<Long, Long> committed = SequenceWindowCodec.decode(metadata);
		if (committed.isEmpty()) {
			windows.forget(partition.topic(), partition.partition());
			return;
		}
		PartitionWindow window = new PartitionWindow(this.evictedProducers, this.forgottenProducers);
		window.highestOffset = offset - 1;
		// until its first commit the broker holds what was restored: handed over again
		// without a commit, the gaps are the next owner's, not shown here as well
		window.gapsCommitted = !ownGaps;
		List<Map.Entry<Long, Long>> entries = new ArrayList<>(committed.entrySet());
		// written most recently used first; the window keeps the most recent last
		for (int i = entries.size() - 1; i >= 0; i--) {
			Map.Entry<Long, Long> entry = entries.get(i);
			window.producers.put(entry.getKey(), new ProducerPosition(entry.getKey(), entry.getValue()));
		}
		windows.replace(partition.topic(), partition.partition(), window);
		this.restoredProducers.add(committed.size());
	}

	/**
	 * Return how the windows were carried across commits, rebalances and restarts.
	 * @return the statistics
	 * @since 0.2.0
	 */
	public WindowStatistics windowStatistics() {
		return new WindowStatistics(this.committedWindows.sum(), this.unpersistedProducers.sum(),
				this.restoredProducers.sum());
	}

	/**
	 * Acknowledge every unresolved gap: an operator has looked at them.
	 * @return how many missing records were acknowledged
	 */
	public long acknowledgeGaps() {
		long acknowledged = this.openGaps.unresolved(0).records();
		this.openGaps.clear();
		return acknowledged;
	}

	/**
	 * Acknowledge the unresolved gaps of one partition, or of part of it: an operator has
	 * looked at them. Each range cleared is logged.
	 * @param group the consumer group
	 * @param topic the topic
	 * @param partition the partition
	 * @param producer the producer id in hexadecimal, or {@code null} for every producer
	 * @param from the first sequence number to acknowledge, or {@code null} from the
	 * first
	 * @param to the last sequence number to acknowledge, or {@code null} up to the last
	 * @return the ranges cleared
	 * @since 0.2.0
	 */
	public List<OpenRange> acknowledgeGaps(String group, String topic, int partition, @Nullable String producer,
			@Nullable Long from, @Nullable Long to) {
		List<OpenRange> cleared = this.openGaps.acknowledge(group, new TopicPartition(topic, partition),
				(producerId) -> producer == null || SequenceStamp.hex(producerId).equalsIgnoreCase(producer),
				(from != null) ? from : 0, (to != null) ? to : Long.MAX_VALUE, from == null && to == null);
		cleared.forEach((range) -> logger
			.info("Acknowledged sequence gap: consumer group '" + range.group() + "', producer " + range.producer()
					+ " on " + range.topic() + "-" + range.partition() + ", sequence " + range.firstMissing() + " to "
					+ range.lastMissing() + " (" + (range.lastMissing() - range.firstMissing() + 1) + " record(s))"));
		return cleared;
	}

	/**
	 * Return the counts so far and the gaps still unresolved.
	 * @return the statistics
	 */
	public SequenceStatistics statistics() {
		List<SequenceGap> recent;
		synchronized (this.recentGaps) {
			recent = List.copyOf(this.recentGaps);
		}
		OpenGaps.Unresolved unresolved = this.openGaps.unresolved(RECENT_GAPS);
		return new SequenceStatistics(this.checked.sum(), this.redelivered.sum(), this.gaps.sum(), this.missing.sum(),
				this.duplicates.sum(), this.late.sum(), unresolved.records(), unresolved.ranges(), recent,
				this.evictedProducers.sum(), this.forgottenProducers.sum());
	}

	/**
	 * What a checked record is.
	 */
	public enum Outcome {

		/**
		 * The record carries no sequence stamp.
		 */
		UNSTAMPED,

		/**
		 * The group had already passed the record's offset: it is read again.
		 */
		REDELIVERED,

		/**
		 * The first record of its producer in the window.
		 */
		FIRST,

		/**
		 * A record sent again from the send journal, seen before any other record of its
		 * producer in the window, and filling no gap seen: it is not compared.
		 */
		REPLAYED,

		/**
		 * The record follows the previous one of its producer.
		 */
		IN_ORDER,

		/**
		 * Records of its producer are missing before this one.
		 */
		GAP,

		/**
		 * The record fills a gap seen before.
		 */
		LATE,

		/**
		 * A record with the same producer and sequence was received before, at a lower
		 * offset: the producer wrote it twice.
		 */
		DUPLICATE

	}

	/**
	 * A range of sequence numbers that did not arrive when they were expected.
	 *
	 * @param group the consumer group
	 * @param topic the topic
	 * @param partition the partition
	 * @param producer the producer id in hexadecimal
	 * @param firstMissing the first missing sequence number
	 * @param lastMissing the last missing sequence number
	 * @param detectedAt when the gap was seen
	 */
	public record SequenceGap(String group, String topic, int partition, String producer, long firstMissing,
			long lastMissing, Instant detectedAt) {

		/**
		 * Return how many records are missing.
		 * @return the count
		 */
		public long missingRecords() {
			return this.lastMissing - this.firstMissing + 1;
		}

	}

	/**
	 * A range of sequence numbers still missing.
	 *
	 * @param group the consumer group
	 * @param topic the topic
	 * @param partition the partition
	 * @param producer the producer id in hexadecimal
	 * @param firstMissing the first missing sequence number
	 * @param lastMissing the last missing sequence number
	 */
	public record OpenRange(String group, String topic, int partition, String producer, long firstMissing,
			long lastMissing) {

	}

	/**
	 * Counts of checked records.
	 *
	 * @param checked records that carried a stamp
	 * @param redelivered records read again at an offset already passed
	 * @param gaps gaps seen
	 * @param missingRecords records missing in the gaps seen
	 * @param duplicates records received twice
	 * @param lateRecords records that filled a gap
	 * @param unresolvedRecords records still missing
	 * @param unresolved up to 10 ranges still missing
	 * @param recentGaps the last 10 gaps seen, newest first
	 * @param evictedProducers how many times a producer idle the longest was moved out of
	 * a full window into its compact store (still checked when it returns)
	 * @param forgottenProducers how many producers were dropped from a full compact
	 * store: when one of them returns, its next record starts a new window, and a gap
	 * just before it is not seen
	 */
	public record SequenceStatistics(long checked, long redelivered, long gaps, long missingRecords, long duplicates,
			long lateRecords, long unresolvedRecords, List<OpenRange> unresolved, List<SequenceGap> recentGaps,
			long evictedProducers, long forgottenProducers) {

	}

	/**
	 * How sequence windows were carried in the committed offsets' metadata.
	 *
	 * @param committedWindows windows written with a committed offset
	 * @param unpersistedProducers producers left out of a committed window because it
	 * reached the broker's {@code offset.metadata.max.bytes}, counted at each commit:
	 * after a rebalance or a restart, their next record starts a new window, and a gap
	 * just before it is not seen
	 * @param restoredProducers producers whose window was restored from a committed
	 * offset when a partition was assigned
	 * @since 0.2.0
	 */
	public record WindowStatistics(long committedWindows, long unpersistedProducers, long restoredProducers) {

	}

}
