package dev.lossless.kafka.chaos;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * What every consumer application of one scenario logged: the ids it processed, with
 * their partitions and offsets, and how often records were processed again.
 *
 * @author Lossless Kafka team
 */
final class ConsumerLogs {

	private final String topic;

	private final CopyOnWriteArrayList<LogTail> tails = new CopyOnWriteArrayList<>();

	private final Map<LogTail, long[]> sequenceStatistics = new HashMap<>();

	private final Map<LogTail, String[]> openRanges = new HashMap<>();

	private final Map<LogTail, String[]> lostOffsets = new HashMap<>();

	/** The sequence numbers processed, per {@code partition:producer}. */
	private final Map<String, BitSet> stamps = new HashMap<>();

	private final Set<Long> processed = new HashSet<>();

	private final Set<Position> positions = new HashSet<>();

	private long processings;

	private int assignments;

	ConsumerLogs(String topic) {
		this.topic = topic;
	}

	void add(Path file) {
		this.tails.add(new LogTail(file));
	}

	synchronized ConsumerLogs refresh() {
		for (LogTail tail : this.tails) {
			tail.read((line) -> line(tail, line));
		}
		return this;
	}

	private void line(LogTail tail, String line) {
		String[] fields = line.split(" ");
		if ("P".equals(fields[0])) {
			this.processed.add(Long.parseLong(fields[1]));
			this.positions.add(new Position(new TopicPartition(this.topic, Integer.parseInt(fields[2])),
					Long.parseLong(fields[3])));
			this.processings++;
			if (fields.length >= 6) {
				this.stamps.computeIfAbsent(fields[2] + ":" + fields[4], (key) -> new BitSet())
					.set(Math.toIntExact(Long.parseLong(fields[5])));
			}
		}
		else if ("OPEN".equals(fields[0])) {
			this.openRanges.put(tail, Arrays.copyOfRange(fields, 1, fields.length));
		}
		else if ("LOSS".equals(fields[0])) {
			this.lostOffsets.put(tail, Arrays.copyOfRange(fields, 1, fields.length));
		}
		else if ("ASSIGNED".equals(fields[0])) {
			this.assignments++;
		}
		else if ("SEQ".equals(fields[0])) {
			long[] counts = new long[fields.length - 1];
			for (int i = 1; i < fields.length; i++) {
				counts[i - 1] = Long.parseLong(fields[i]);
			}
			this.sequenceStatistics.put(tail, counts);
		}
	}

	synchronized int processedCount() {
		return refresh().processed.size();
	}

	synchronized int assignments() {
		return refresh().assignments;
	}

	synchronized Set<Long> processed() {
		return Set.copyOf(refresh().processed);
	}

	synchronized boolean wasProcessed(TopicPartition partition, long offset) {
		return refresh().positions.contains(new Position(partition, offset));
	}

	/**
	 * Return how many records were processed more than once, counting each extra time.
	 * @return the duplicates
	 */
	synchronized long duplicates() {
		refresh();
		return this.processings - this.processed.size();
	}

	/**
	 * Return the starter's sequence check as last reported by each consumer application,
	 * summed, or {@code null} when none reported (the starter is off).
	 * @return checked, gaps, missing, duplicates, unresolved
	 */
	synchronized long @Nullable [] sequenceStatistics() {
		refresh();
		if (this.sequenceStatistics.isEmpty()) {
			return null;
		}
		long[] sum = new long[5];
		for (long[] counts : this.sequenceStatistics.values()) {
			for (int i = 0; i < Math.min(sum.length, counts.length); i++) {
				sum[i] += counts[i];
			}
		}
		return sum;
	}

	/**
	 * Return what the starter's own detection reports at the end in the given consumer
	 * applications (those still running), each range it still misses checked against the
	 * records every application of the group processed.
	 * @param live the outcome logs of the applications still running
	 * @return the starter's verdict
	 */
	synchronized StarterVerdict starterVerdict(Collection<Path> live) {
		refresh();
		long unresolved = 0;
		long listed = 0;
		long processedElsewhere = 0;
		List<String> missingEverywhere = new ArrayList<>();
		long lostOffsets = 0;
		List<String> lostRanges = new ArrayList<>();
		for (LogTail tail : this.tails) {
			if (!live.contains(tail.file())) {
				continue;
			}
			long[] sequence = this.sequenceStatistics.get(tail);
			unresolved += (sequence != null && sequence.length > 4) ? sequence[4] : 0;
			for (String range : this.openRanges.getOrDefault(tail, new String[0])) {
				String[] parts = range.split("[:-]");
				BitSet processed = this.stamps.getOrDefault(parts[0] + ":" + parts[1], new BitSet());
				for (long number = Long.parseLong(parts[2]); number <= Long.parseLong(parts[3]); number++) {
					listed++;
					if (processed.get(Math.toIntExact(number))) {
						processedElsewhere++;
					}
					else {
						missingEverywhere.add(parts[0] + ":" + parts[1] + ":" + number);
					}
				}
			}
			String[] loss = this.lostOffsets.get(tail);
			if (loss != null && loss.length > 0) {
				lostOffsets += Long.parseLong(loss[0]);
				lostRanges.addAll(List.of(loss).subList(1, loss.length));
			}
		}
		return new StarterVerdict(unresolved, unresolved - listed, processedElsewhere, missingEverywhere, lostOffsets,
				lostRanges);
	}

	/**
	 * What the starter's own detection reports at the end.
	 *
	 * @param unresolved the records its sequence check still misses
	 * @param unlisted those of them in ranges it does not list (more than 10)
	 * @param processedElsewhere those of them an application of the group processed (the
	 * one that misses them included): a false alarm
	 * @param missingEverywhere those of them no application processed, as
	 * {@code partition:producer:sequence}
	 * @param lostOffsets the offsets its lost-offsets detection reports
	 * @param lostRanges their ranges, as {@code partition:from-to}
	 */
	record StarterVerdict(long unresolved, long unlisted, long processedElsewhere, List<String> missingEverywhere,
			long lostOffsets, List<String> lostRanges) {

		/**
		 * Return whether the starter reports a loss: a record no application processed or
		 * offsets lost.
		 * @return whether it reports a loss
		 */
		boolean reportsLoss() {
			return !this.missingEverywhere.isEmpty() || this.unlisted > 0 || this.lostOffsets > 0;
		}

	}

	record Position(TopicPartition partition, long offset) {

	}

}
