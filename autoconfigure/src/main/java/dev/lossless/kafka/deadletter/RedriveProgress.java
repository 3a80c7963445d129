package dev.lossless.kafka.deadletter;

import java.util.NavigableSet;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.jspecify.annotations.Nullable;

/**
 * How far a redrive got on one dead-letter partition, kept as the redrive group's
 * committed offset: the offset before which every record was redriven (or parked), and,
 * in the offset's metadata, the offsets after it that were redriven while an earlier
 * record was skipped by a filter. A skipped record is never committed past, so it stays
 * redrivable; the offsets in the metadata keep a later redrive from republishing the
 * records after it a second time.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class RedriveProgress {

	/**
	 * Longest metadata written, below the broker's default
	 * {@code offset.metadata.max.bytes} (4096): offsets beyond it are forgotten, and
	 * their records republished again by a later redrive (at least once).
	 */
	static final int MAX_METADATA_LENGTH = 3500;

	private long commitPoint;

	private boolean blocked;

	private final NavigableSet<Long> doneAfter = new TreeSet<>();

	private RedriveProgress(long commitPoint) {
		this.commitPoint = commitPoint;
	}

	/**
	 * Return the progress recorded by a committed offset.
	 * @param committed the committed offset, or {@code null} when the group has none
	 * @param beginning the first offset of the partition
	 * @return the progress
	 */
	static RedriveProgress of(@Nullable OffsetAndMetadata committed, long beginning) {
		if (committed == null) {
			return new RedriveProgress(beginning);
		}
		RedriveProgress progress = new RedriveProgress(Math.max(committed.offset(), beginning));
		String metadata = committed.metadata();
		if (metadata != null && !metadata.isBlank()) {
			for (String range : metadata.split(",")) {
				int dash = range.indexOf('-');
				long first = Long.parseLong((dash < 0) ? range : range.substring(0, dash));
				long last = (dash < 0) ? first : Long.parseLong(range.substring(dash + 1));
				for (long offset = Math.max(first, progress.commitPoint); offset <= last; offset++) {
					progress.doneAfter.add(offset);
				}
			}
		}
		return progress;
	}

	/**
	 * Return where reading starts.
	 * @return the first offset not known to be redriven
	 */
	long start() {
		return this.commitPoint;
	}

	/**
	 * Return whether an earlier redrive republished the record at the given offset.
	 * @param offset the record's offset
	 * @return whether it was redriven already
	 */
	boolean redriven(long offset) {
		return offset < this.commitPoint || this.doneAfter.contains(offset);
	}

	/**
	 * Record that the record at the given offset was redriven or parked: the commit point
	 * moves past it unless a skipped record comes before it.
	 * @param offset the record's offset
	 */
	void done(long offset) {
		if (this.blocked) {
			this.doneAfter.add(offset);
		}
		else {
			this.commitPoint = Math.max(this.commitPoint, offset + 1);
			this.doneAfter.headSet(this.commitPoint).clear();
		}
	}

	/**
	 * Record that the record at the given offset was skipped: nothing after it is
	 * committed past.
	 * @param offset the record's offset
	 */
	void skipped(long offset) {
		this.blocked = true;
	}

	/**
	 * Record that every record before the given offset was read.
	 * @param end the end offset read up to
	 */
	void reached(long end) {
		if (!this.blocked) {
			this.commitPoint = Math.max(this.commitPoint, end);
			this.doneAfter.headSet(this.commitPoint).clear();
		}
	}

	/**
	 * Return the offset and metadata to commit.
	 * @return the offset to commit
	 */
	OffsetAndMetadata toCommit() {
		StringBuilder metadata = new StringBuilder();
		Long first = null;
		long last = -1;
		for (long offset : this.doneAfter) {
			if (first != null && offset == last + 1) {
				last = offset;
				continue;
			}
			if (first != null && !append(metadata, first, last)) {
				first = null;
				break;
			}
			first = offset;
			last = offset;
		}
		if (first != null) {
			append(metadata, first, last);
		}
		return new OffsetAndMetadata(this.commitPoint, metadata.toString());
	}

	private static boolean append(StringBuilder metadata, long first, long last) {
		String range = (first == last) ? Long.toString(first) : first + "-" + last;
		if (metadata.length() + range.length() + 1 > MAX_METADATA_LENGTH) {
			return false;
		}
		if (!metadata.isEmpty()) {
			metadata.append(',');
		}
		metadata.append(range);
		return true;
	}

}
