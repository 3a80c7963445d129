package dev.lossless.kafka.sequence;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Puts each partition's sequence window into the metadata of the offset committed for it,
 * in the same request, so that the window and the offset cannot disagree: the window
 * committed is the one of the records below the committed offset. Metadata the
 * application set itself (an {@code OffsetAndMetadataProvider}) is kept, and that
 * partition's window is then not committed (logged once per group at {@code WARN}).
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 * @see SequenceWindowCodec
 */
public final class SequenceWindowCommits {

	private static final Log logger = LogFactory.getLog(SequenceWindowCommits.class);

	private final SequenceChecker checker;

	private final IntSupplier maxLength;

	private final Set<String> warnedGroups = ConcurrentHashMap.newKeySet();

	private final LongAdder applicationMetadata = new LongAdder();

	/**
	 * Create an instance.
	 * @param checker the checker whose windows are committed
	 * @param maxLength the most characters the brokers accept, {@code -1} if unknown
	 * @see OffsetMetadataLimit
	 */
	public SequenceWindowCommits(SequenceChecker checker, IntSupplier maxLength) {
		this.checker = checker;
		this.maxLength = maxLength;
	}

	/**
	 * Get ready for the commits of a new consumer: the brokers' limit, when it is read
	 * from them, is read ahead, off the consumer's thread.
	 * @since 0.2.0
	 */
	public void prepare() {
		if (this.maxLength instanceof OffsetMetadataLimit limit) {
			limit.read();
		}
	}

	/**
	 * Return the offsets to commit with their partitions' windows.
	 * @param group the consumer group committing
	 * @param offsets the offsets to commit
	 * @return the offsets with the windows as metadata, or the given offsets when there
	 * is nothing to add
	 */
	public Map<TopicPartition, OffsetAndMetadata> withWindows(String group,
			Map<TopicPartition, OffsetAndMetadata> offsets) {
		int maxLength = this.maxLength.getAsInt();
		if (maxLength < 0 || offsets.isEmpty()) {
			offsets.keySet().forEach((partition) -> this.checker.windowNotCommitted(group, partition));
			return offsets;
		}
		Map<TopicPartition, OffsetAndMetadata> withWindows = new LinkedHashMap<>(offsets);
		offsets.forEach((partition, offset) -> {
			if (offset == null) {
				return;
			}
			String metadata = offset.metadata();
			if (metadata != null && !metadata.isEmpty() && !metadata.startsWith(SequenceWindowCodec.PREFIX)) {
				this.checker.windowNotCommitted(group, partition);
				this.applicationMetadata.increment();
				if (this.warnedGroups.add(group)) {
					logger.warn("Consumer group '" + group + "' commits metadata of its own (" + partition + "): it"
							+ " is kept, and the sequence window is not committed with such offsets; a gap made"
							+ " while the partition changes hands or the application is down is not seen there");
				}
				return;
			}
			String window = this.checker.committedWindow(group, partition, offset.offset(), maxLength);
			if (window != null) {
				withWindows.put(partition, new OffsetAndMetadata(offset.offset(), offset.leaderEpoch(), window));
			}
		});
		return withWindows;
	}

	/**
	 * Note that offsets given to {@link #withWindows} were not committed after all (the
	 * commit failed, or its transaction was aborted): the open gaps their windows carried
	 * are not the broker's, so they stay with this member when the partitions move.
	 * @param group the consumer group
	 * @param partitions the partitions whose commit failed
	 * @since 0.2.0
	 */
	public void notCommitted(String group, Collection<TopicPartition> partitions) {
		partitions.forEach((partition) -> this.checker.windowNotCommitted(group, partition));
	}

	/**
	 * Return how many offsets were committed with metadata of the application's own,
	 * without their window.
	 * @return the count
	 */
	public long applicationMetadata() {
		return this.applicationMetadata.sum();
	}

}
