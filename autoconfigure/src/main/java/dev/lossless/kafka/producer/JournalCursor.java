package dev.lossless.kafka.producer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * The read cursor of a {@link SendJournal}: where its first entry not removed is, what
 * {@link SendJournal#peek(int, Predicate) peek} reads from there and how far
 * {@link SendJournal#remove(long) remove} moves it. Guarded by the journal's lock.
 *
 * @author Lossless Kafka team
 */
final class JournalCursor {

	/**
	 * The segment of a cursor of a journal that has none.
	 */
	static final long NO_SEGMENT = -1;

	private final JournalSegments segments;

	private Position position = new Position(NO_SEGMENT, 0);

	private long firstUnremoved;

	JournalCursor(JournalSegments segments) {
		this.segments = segments;
	}

	Position position() {
		return this.position;
	}

	long firstUnremoved() {
		return this.firstUnremoved;
	}

	/**
	 * Put the cursor on an entry.
	 * @param position where the entry's frame is
	 * @param sequence the entry's sequence
	 */
	void moveTo(Position position, long sequence) {
		this.position = position;
		this.firstUnremoved = sequence;
	}

	/**
	 * Put the cursor on the first segment, when a journal without segment starts one.
	 * @param segment the segment
	 */
	void startIfNone(JournalSegment segment) {
		if (this.position.segment() == NO_SEGMENT) {
			this.position = new Position(segment.base(), 0);
		}
	}

	/**
	 * Leave no segment, once every segment was deleted.
	 */
	void clear() {
		this.position = new Position(NO_SEGMENT, 0);
	}

	/**
	 * Read the entries from the cursor on that are not skipped.
	 * @param max the most entries to return
	 * @param skip tells the entries to pass over
	 * @param backlogEntries the entries not removed, to size the list
	 * @return the entries
	 */
	List<JournalEntry.Stored> peek(int max, Predicate<JournalEntry.Stored> skip, long backlogEntries) {
		List<JournalEntry.Stored> entries = new ArrayList<>((int) Math.min(max, backlogEntries));
		this.segments.walk(this.position, (frame) -> {
			if (entries.size() >= max) {
				return false;
			}
			JournalEntry.Stored stored = frame.entry();
			if (!skip.test(stored)) {
				entries.add(stored);
			}
			return true;
		});
		return entries;
	}

	/**
	 * Find what removing up to a sequence takes away, without moving the cursor.
	 * @param upToSequenceInclusive the sequence of the last entry to remove
	 * @param nextSequence the sequence the next entry appended gets
	 * @return the removal, or {@code null} when no entry is removed
	 */
	@Nullable Removal removal(long upToSequenceInclusive, long nextSequence) {
		long[] entriesAndBytes = new long[2];
		long[] newFirst = { nextSequence };
		@Nullable Instant[] newOldest = { null };
		Position stop = this.segments.walk(this.position, (frame) -> {
			JournalEntryCodec.Prefix read = frame.prefix();
			if (read.sequence() > upToSequenceInclusive) {
				newFirst[0] = read.sequence();
				newOldest[0] = read.journaledAt();
				return false;
			}
			entriesAndBytes[0]++;
			entriesAndBytes[1] += read.frameBytes();
			return true;
		});
		return (entriesAndBytes[0] > 0)
				? new Removal(entriesAndBytes[0], entriesAndBytes[1], stop, newFirst[0], newOldest[0]) : null;
	}

	/**
	 * A position in the segment files.
	 *
	 * @param segment the sequence of the segment, or {@link #NO_SEGMENT}
	 * @param position the position in the segment file
	 */
	record Position(long segment, long position) {

	}

	/**
	 * What a removal takes away and where it leaves the cursor.
	 *
	 * @param entries the entries removed
	 * @param bytes their bytes
	 * @param cursor the position of the first entry left
	 * @param firstUnremoved the sequence of the first entry left
	 * @param oldestJournaledAt when the first entry left was journaled, or {@code null}
	 * when none is left
	 */
	record Removal(long entries, long bytes, Position cursor, long firstUnremoved,
			@Nullable Instant oldestJournaledAt) {

	}

}
