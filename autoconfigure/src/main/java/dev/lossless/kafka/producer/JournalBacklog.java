package dev.lossless.kafka.producer;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The counts behind the {@link SendJournal.Statistics statistics} of a journal: what
 * waits to be replayed, what was appended and removed since it was opened, and the
 * corrupt data found when it was. Guarded by the journal's lock.
 *
 * @author Lossless Kafka team
 */
final class JournalBacklog {

	private final List<SendJournal.Corruption> corruptions = new ArrayList<>();

	private long entries;

	private long bytes;

	private @Nullable Instant oldestJournaledAt;

	private long appended;

	private long removed;

	long entries() {
		return this.entries;
	}

	boolean isEmpty() {
		return this.entries == 0;
	}

	@Nullable Instant oldestJournaledAt() {
		return this.oldestJournaledAt;
	}

	/**
	 * Count an entry found on disk, not removed yet.
	 * @param journaledAt when it was journaled
	 * @param frameBytes the bytes of its frame
	 */
	void recovered(Instant journaledAt, int frameBytes) {
		if (this.entries == 0) {
			this.oldestJournaledAt = journaledAt;
		}
		this.entries++;
		this.bytes += frameBytes;
	}

	/**
	 * Count an entry appended.
	 * @param journaledAt when it was journaled
	 * @param frameBytes the bytes of its frame
	 */
	void appended(Instant journaledAt, int frameBytes) {
		recovered(journaledAt, frameBytes);
		this.appended++;
	}

	/**
	 * Count the entries of a removal.
	 * @param removal the removal
	 */
	void removed(JournalCursor.Removal removal) {
		this.entries -= removal.entries();
		this.bytes -= removal.bytes();
		this.oldestJournaledAt = removal.oldestJournaledAt();
		this.removed += removal.entries();
	}

	void corrupted(SendJournal.Corruption corruption) {
		this.corruptions.add(corruption);
	}

	SendJournal.Statistics statistics(Path directory, long sizeBytes, long maxBytes) {
		return new SendJournal.Statistics(directory, this.entries, this.bytes, this.oldestJournaledAt, this.appended,
				this.removed, sizeBytes, maxBytes, this.corruptions);
	}

}
