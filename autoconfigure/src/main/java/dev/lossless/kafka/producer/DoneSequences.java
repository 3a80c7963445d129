package dev.lossless.kafka.producer;

import java.util.Map;
import java.util.TreeMap;

/**
 * Sequences of journal entries done, as ranges: the entries past a stuck lane's first
 * entry that were delivered or rejected, remembered until the journal can be removed past
 * them (it removes only from its head). Used by the replay thread only.
 *
 * @author Lossless Kafka team
 */
final class DoneSequences {

	private final TreeMap<Long, Long> ranges = new TreeMap<>();

	boolean contains(long sequence) {
		Map.Entry<Long, Long> range = this.ranges.floorEntry(sequence);
		return range != null && sequence <= range.getValue();
	}

	void add(long sequence) {
		if (contains(sequence)) {
			return;
		}
		Map.Entry<Long, Long> before = this.ranges.floorEntry(sequence);
		long from = (before != null && before.getValue() == sequence - 1) ? before.getKey() : sequence;
		Long after = this.ranges.get(sequence + 1);
		long to = (after != null) ? after : sequence;
		if (after != null) {
			this.ranges.remove(sequence + 1);
		}
		this.ranges.put(from, to);
	}

	void removeUpTo(long sequence) {
		Map.Entry<Long, Long> straddling = this.ranges.floorEntry(sequence);
		this.ranges.headMap(sequence, true).clear();
		if (straddling != null && straddling.getValue() > sequence) {
			this.ranges.put(sequence + 1, straddling.getValue());
		}
	}

}
