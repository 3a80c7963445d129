package dev.lossless.kafka.sequence;

import java.util.HashMap;
import java.util.Map;

/**
 * The changes a partition's window went through since its last commit, oldest first, as a
 * ring: the offset of the record that made the change, the producer and its last number
 * before. A commit at offset n puts into the committed metadata the window as it was
 * below n.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class UncommittedChanges {

	private long[] offsets = new long[16];

	private long[] ids = new long[16];

	private long[] previous = new long[16];

	private int first;

	private int count;

	void add(long offset, long producerId, long previous) {
		if (this.count == this.offsets.length) {
			if (this.count < SequenceChecker.MAX_UNCOMMITTED_CHANGES) {
				grow();
			}
			else {
				// the oldest change is forgotten: a commit below it gets a window
				// ahead of its offset (records read again count as duplicates)
				this.first = (this.first + 1) % this.offsets.length;
				this.count--;
			}
		}
		int slot = (this.first + this.count) % this.offsets.length;
		this.offsets[slot] = offset;
		this.ids[slot] = producerId;
		this.previous[slot] = previous;
		this.count++;
	}

	private void grow() {
		int capacity = this.offsets.length * 2;
		long[] grownOffsets = new long[capacity];
		long[] grownIds = new long[capacity];
		long[] grownPrevious = new long[capacity];
		for (int i = 0; i < this.count; i++) {
			int slot = (this.first + i) % this.offsets.length;
			grownOffsets[i] = this.offsets[slot];
			grownIds[i] = this.ids[slot];
			grownPrevious[i] = this.previous[slot];
		}
		this.offsets = grownOffsets;
		this.ids = grownIds;
		this.previous = grownPrevious;
		this.first = 0;
	}

	/**
	 * Forget the changes below an offset being committed and return, per producer changed
	 * at or above it, its last number before ({@code ABSENT} if it was not in the window
	 * yet).
	 */
	Map<Long, Long> from(long offset) {
		while (this.count > 0 && this.offsets[this.first] < offset) {
			this.first = (this.first + 1) % this.offsets.length;
			this.count--;
		}
		if (this.count == 0) {
			return Map.of();
		}
		Map<Long, Long> before = new HashMap<>();
		for (int i = 0; i < this.count; i++) {
			int slot = (this.first + i) % this.offsets.length;
			before.putIfAbsent(this.ids[slot], this.previous[slot]);
		}
		return before;
	}

}
