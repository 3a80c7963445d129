package dev.lossless.kafka.chaos;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.common.TopicPartition;

/**
 * What every consumer application of one scenario logged: the ids it processed, with
 * their partitions and offsets, and how often records were processed again.
 *
 * @author Lossless Kafka team
 */
final class ConsumerLogs {

	private final String topic;

	private final CopyOnWriteArrayList<LogTail> tails = new CopyOnWriteArrayList<>();

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
			tail.read(this::line);
		}
		return this;
	}

	private void line(String line) {
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

	record Position(TopicPartition partition, long offset) {

	}

}
