package dev.lossless.kafka.sequence;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

/**
 * The windows of one consumer group: per topic, an array indexed by partition, found
 * without creating a key object for each record. An array is replaced, never changed,
 * when a window is added or forgotten.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class GroupWindows {

	private static final PartitionWindow[] NONE = new PartitionWindow[0];

	private final Map<String, PartitionWindow[]> topics = new ConcurrentHashMap<>();

	private final LongAdder evicted;

	private final LongAdder forgotten;

	GroupWindows(LongAdder evicted, LongAdder forgotten) {
		this.evicted = evicted;
		this.forgotten = forgotten;
	}

	PartitionWindow window(String topic, int partition) {
		PartitionWindow[] windows = this.topics.getOrDefault(topic, NONE);
		PartitionWindow window = (partition < windows.length) ? windows[partition] : null;
		return (window != null) ? window : create(topic, partition);
	}

	private synchronized PartitionWindow create(String topic, int partition) {
		PartitionWindow[] windows = this.topics.getOrDefault(topic, NONE);
		if (partition < windows.length && windows[partition] != null) {
			return windows[partition];
		}
		PartitionWindow[] grown = Arrays.copyOf(windows, Math.max(windows.length, partition + 1));
		PartitionWindow window = new PartitionWindow(this.evicted, this.forgotten);
		grown[partition] = window;
		this.topics.put(topic, grown);
		return window;
	}

	@Nullable PartitionWindow existing(String topic, int partition) {
		PartitionWindow[] windows = this.topics.getOrDefault(topic, NONE);
		return (partition < windows.length) ? windows[partition] : null;
	}

	synchronized void replace(String topic, int partition, PartitionWindow window) {
		PartitionWindow[] windows = this.topics.getOrDefault(topic, NONE);
		PartitionWindow[] grown = Arrays.copyOf(windows, Math.max(windows.length, partition + 1));
		grown[partition] = window;
		this.topics.put(topic, grown);
	}

	synchronized void forget(String topic, int partition) {
		PartitionWindow[] windows = this.topics.get(topic);
		if (windows != null && partition < windows.length && windows[partition] != null) {
			PartitionWindow[] copy = windows.clone();
			copy[partition] = null;
			this.topics.put(topic, copy);
		}
	}

}
