package dev.lossless.kafka.chaos;

import java.nio.file.Path;
import java.util.HashMap;
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

	record Position(TopicPartition partition, long offset) {

	}

}
