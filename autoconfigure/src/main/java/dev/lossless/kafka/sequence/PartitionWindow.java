package dev.lossless.kafka.sequence;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

/**
 * What a group saw on one partition: the highest offset passed and, per producer (the
 * most recent {@value SequenceChecker#MAX_PRODUCERS_PER_PARTITION}, then up to
 * {@value SequenceChecker#MAX_EVICTED_PRODUCERS_PER_PARTITION} more in compact form), the
 * last number in order.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class PartitionWindow {

	long highestOffset = -1;

	/**
	 * The producer of the last record that moved the window or was compared: the most
	 * recently used entry of {@link #producers}.
	 */
	@Nullable ProducerPosition recent;

	private final LongAdder evicted;

	private final LongAdder forgotten;

	/**
	 * Producers evicted from {@link #producers}, as a ring of ids and last numbers
	 * ({@code -1} for a free slot), created at the first eviction.
	 */
	long @Nullable [] evictedIds;

	long @Nullable [] evictedLast;

	int nextEvicted;

	private final UncommittedChanges changes = new UncommittedChanges();

	/**
	 * Whether the last commit carried every open gap of the partition, so that they are
	 * the next owner's to show.
	 */
	boolean gapsCommitted;

	final Map<Long, ProducerPosition> producers = new LinkedHashMap<>(16, 0.75f, true) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<Long, ProducerPosition> eldest) {
			if (size() <= SequenceChecker.MAX_PRODUCERS_PER_PARTITION) {
				return false;
			}
			evict(eldest.getValue());
			return true;
		}

	};

	PartitionWindow(LongAdder evicted, LongAdder forgotten) {
		this.evicted = evicted;
		this.forgotten = forgotten;
	}

	private void evict(ProducerPosition position) {
		if (this.evictedIds == null || this.evictedLast == null) {
			this.evictedIds = new long[SequenceChecker.MAX_EVICTED_PRODUCERS_PER_PARTITION];
			this.evictedLast = new long[SequenceChecker.MAX_EVICTED_PRODUCERS_PER_PARTITION];
			Arrays.fill(this.evictedLast, -1);
		}
		if (this.evictedLast[this.nextEvicted] >= 0) {
			this.forgotten.increment();
		}
		this.evictedIds[this.nextEvicted] = position.producerId;
		this.evictedLast[this.nextEvicted] = position.last;
		this.nextEvicted = (this.nextEvicted + 1) % SequenceChecker.MAX_EVICTED_PRODUCERS_PER_PARTITION;
		this.evicted.increment();
		if (this.recent == position) {
			this.recent = null;
		}
	}

	void changed(long offset, long producerId, long previous) {
		this.changes.add(offset, producerId, previous);
	}

	/**
	 * Forget the changes below an offset being committed and return, per producer changed
	 * at or above it, its last number before ({@code ABSENT} if it was not in the window
	 * yet).
	 */
	Map<Long, Long> changesFrom(long offset) {
		return this.changes.from(offset);
	}

	/**
	 * Bring an evicted producer back into the window, a linear scan done only for a
	 * producer not in the window.
	 */
	@Nullable ProducerPosition restore(long producerId) {
		long[] ids = this.evictedIds;
		long[] lasts = this.evictedLast;
		if (ids == null || lasts == null) {
			return null;
		}
		for (int i = 0; i < ids.length; i++) {
			if (lasts[i] >= 0 && ids[i] == producerId) {
				ProducerPosition position = new ProducerPosition(producerId, lasts[i]);
				lasts[i] = -1;
				this.producers.put(producerId, position);
				return position;
			}
		}
		return null;
	}

}
