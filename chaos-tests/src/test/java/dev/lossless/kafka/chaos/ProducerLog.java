package dev.lossless.kafka.chaos;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the producer application logged: the ids it sent, and for each the outcome the
 * template reported.
 *
 * @author Lossless Kafka team
 */
final class ProducerLog {

	private final LogTail tail;

	private final Set<Long> sent = new HashSet<>();

	private final Set<Long> acked = new HashSet<>();

	private final Set<Long> failed = new HashSet<>();

	private final Map<Long, Long> sentAt = new HashMap<>();

	private long[] journal = new long[3];

	private final Map<String, Integer> failureCauses = new TreeMap<>();

	private boolean ready;

	private boolean done;

	private String unresolved = "";

	ProducerLog(Path file) {
		this.tail = new LogTail(file);
	}

	synchronized ProducerLog refresh() {
		this.tail.read(this::line);
		return this;
	}

	private void line(String line) {
		String[] fields = line.split(" ");
		switch (fields[0]) {
			case "S" -> {
				this.sent.add(Long.parseLong(fields[1]));
				if (fields.length > 2) {
					this.sentAt.put(Long.parseLong(fields[1]), Long.parseLong(fields[2]));
				}
			}
			case "JOURNAL" -> this.journal = new long[] { Long.parseLong(fields[1]), Long.parseLong(fields[2]),
					Long.parseLong(fields[3]) };
			case "A" -> this.acked.add(Long.parseLong(fields[1]));
			case "F" -> {
				this.failed.add(Long.parseLong(fields[1]));
				this.failureCauses.merge(fields[2], 1, Integer::sum);
			}
			case "READY" -> this.ready = true;
			case "DONE" -> this.done = true;
			case "UNRESOLVED" -> this.unresolved = line;
			default -> {
			}
		}
	}

	synchronized int sentCount() {
		return refresh().sent.size();
	}

	synchronized int ackedCount() {
		return refresh().acked.size();
	}

	synchronized boolean isReady() {
		return refresh().ready;
	}

	synchronized boolean isDone() {
		return refresh().done;
	}

	synchronized String unresolvedLine() {
		return this.unresolved;
	}

	synchronized Set<Long> sent() {
		return Set.copyOf(this.sent);
	}

	synchronized Set<Long> acked() {
		return Set.copyOf(this.acked);
	}

	synchronized Set<Long> failed() {
		return Set.copyOf(this.failed);
	}

	/**
	 * Return when each id was sent, in epoch milliseconds.
	 * @return the send times
	 */
	synchronized Map<Long, Long> sentAt() {
		return Map.copyOf(this.sentAt);
	}

	/**
	 * Return the starter's send journal counters as last logged: backlog entries,
	 * replayed, rejected.
	 * @return the counters
	 */
	synchronized long[] journal() {
		return this.journal.clone();
	}

	synchronized Map<String, Integer> failureCauses() {
		return Map.copyOf(this.failureCauses);
	}

}
