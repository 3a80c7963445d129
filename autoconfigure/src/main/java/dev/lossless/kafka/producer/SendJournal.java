package dev.lossless.kafka.producer;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A durable, size-bounded, append-only journal on local disk of the records whose send
 * failed for good, kept until the {@link SendJournalReplayer} has sent them again.
 * <p>
 * <b>Files.</b> The journal owns one directory. Entries live in segment files named by
 * the sequence of their first entry ({@code 00000000000000000000.journal}); each entry is
 * a frame {@code [int length][int CRC32C of payload][payload]} whose payload (versioned)
 * holds the entry's sequence and every field of the {@link JournalEntry}. A new segment
 * is started when the current one would grow past {@code segmentBytes}. The
 * {@code checkpoint} file holds the sequence of the first entry not removed; it is
 * replaced atomically (temporary file, fsync, atomic move, fsync of the directory).
 * Segments that hold only removed entries are deleted. The {@code journal.lock} file is
 * locked for as long as the journal is open, so that a second journal on the same
 * directory, in this process or another, is refused.
 * <p>
 * <b>Durability and bounds.</b> {@link #append(JournalEntry)} returns once the entry is
 * written and forced to disk. {@code maxBytes} bounds the segment files (removed entries
 * count until their segment is deleted, so keep it several times {@code segmentBytes});
 * an entry that does not fit is refused with a {@link SendJournalFullException}, never
 * dropped silently.
 * <p>
 * <b>Recovery.</b> Opening the journal scans every segment that may hold unremoved
 * entries. The first frame that cannot be read (a length past the end of the file, a
 * checksum mismatch, an unreadable payload, an unexpected sequence) ends its segment: the
 * entries before it are kept, the bytes from it to the end of the segment are moved to a
 * quarantine file next to it ({@code <segment>.corrupt-<epoch millis>}) and the segment
 * is truncated to its last good entry. This is logged at WARN and kept in
 * {@link Statistics#corruptions()}. A torn write can only damage the tail of the last
 * segment; damage inside an older segment means the disk changed the bytes, and the
 * frames after the damage cannot be located reliably: they are not replayed, but stay in
 * the quarantine file for an operator, and every later segment is kept and replayed as
 * usual (sequences continue from each segment's name). A corrupt checkpoint is
 * quarantined too and the journal then replays every entry still on disk: duplicates
 * rather than loss.
 * <p>
 * <b>Threads.</b> Every method is thread-safe; {@link #append(JournalEntry)} is meant to
 * be called from several producer I/O threads, {@link #peek(int)} and
 * {@link #remove(long)} from one reader, the replayer. {@link #statistics()} takes no
 * lock.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class SendJournal implements Closeable {

	private static final Log logger = LogFactory.getLog(SendJournal.class);

	static final String SEGMENT_SUFFIX = JournalSegment.SUFFIX;

	static final String LOCK_FILE_NAME = JournalDirectoryLock.FILE_NAME;

	private final Path directory;

	private final long maxBytes;

	private final JournalDirectoryLock directoryLock;

	private final JournalCheckpoint checkpoint;

	private final ReentrantLock lock = new ReentrantLock();

	private final JournalSegments segments;

	private final JournalCursor cursor;

	private final JournalBacklog backlog = new JournalBacklog();

	private final JournalWriter writer;

	private long nextSequence;

	private boolean closed;

	private volatile Statistics statistics;

	private SendJournal(Path directory, long maxBytes, long segmentBytes, JournalDirectoryLock directoryLock) {
		this.directory = directory;
		this.maxBytes = maxBytes;
		this.directoryLock = directoryLock;
		this.checkpoint = new JournalCheckpoint(directory);
		this.segments = new JournalSegments(directory);
		this.cursor = new JournalCursor(this.segments);
		this.writer = new JournalWriter(directory, segmentBytes, this.segments, this.cursor);
		this.statistics = new Statistics(directory, 0, 0, null, 0, 0, 0, maxBytes, List.of());
	}

	/**
	 * Open the journal in a directory, creating the directory if needed, and recover the
	 * entries not removed yet.
	 * @param directory the directory, used by this journal only
	 * @param maxBytes the most bytes the segment files may take
	 * @param segmentBytes the size at which a new segment file is started, at most
	 * {@code maxBytes}
	 * @return the open journal
	 * @throws IllegalStateException if another journal, in this process or another, has
	 * the directory open
	 * @throws UncheckedIOException if the directory cannot be read or written
	 */
	public static SendJournal open(Path directory, long maxBytes, long segmentBytes) {
		Assert.notNull(directory, "'directory' cannot be null");
		Assert.isTrue(segmentBytes > 0, "'segmentBytes' must be positive");
		Assert.isTrue(maxBytes >= segmentBytes, "'maxBytes' must be at least 'segmentBytes'");
		Path absolute = directory.toAbsolutePath().normalize();
		SendJournal journal = new SendJournal(absolute, maxBytes, segmentBytes, JournalDirectoryLock.acquire(absolute));
		try {
			journal.recover();
			return journal;
		}
		catch (IOException ex) {
			journal.close();
			throw new UncheckedIOException("Cannot recover send journal " + absolute, ex);
		}
		catch (RuntimeException ex) {
			journal.close();
			throw ex;
		}
	}

	/**
	 * Return the journal's directory.
	 * @return the absolute directory
	 */
	public Path directory() {
		return this.directory;
	}

	/**
	 * Append an entry and force it to disk.
	 * @param entry the entry
	 * @return the sequence given to the entry
	 * @throws SendJournalFullException if the entry would take the journal past its size
	 * limit: it was not written
	 * @throws UncheckedIOException if the entry could not be written: it was not written
	 * @throws IllegalStateException if the journal is closed
	 */
	public long append(JournalEntry entry) {
		Assert.notNull(entry, "'entry' cannot be null");
		this.lock.lock();
		try {
			checkOpen();
			this.writer.checkWritable();
			ByteBuffer frame = JournalEntryCodec.encode(this.nextSequence, entry);
			int frameBytes = frame.remaining();
			long sizeBytes = this.segments.sizeBytes();
			if (sizeBytes + frameBytes > this.maxBytes) {
				throw new SendJournalFullException(this.directory, sizeBytes, this.maxBytes, entry.topic(), frameBytes);
			}
			this.writer.append(this.nextSequence, frame, entry);
			if (this.backlog.isEmpty()) {
				this.cursor.moveTo(this.cursor.position(), this.nextSequence);
			}
			this.backlog.appended(entry.journaledAt(), frameBytes);
			publishStatistics();
			return this.nextSequence++;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Return the oldest entries not removed yet, in the order they were appended, without
	 * removing them.
	 * @param max the most entries to return
	 * @return the entries, empty when the journal is empty
	 * @throws IllegalStateException if the journal is closed or an entry became
	 * unreadable since the journal was opened
	 */
	public List<JournalEntry.Stored> peek(int max) {
		return peek(max, (stored) -> false);
	}

	/**
	 * Return the oldest entries not removed yet that are not skipped, in the order they
	 * were appended, without removing them.
	 * @param max the most entries to return
	 * @param skip tells the entries to pass over; it sees every entry read
	 * @return the entries, empty when no entry is left
	 * @throws IllegalStateException if the journal is closed or an entry became
	 * unreadable since the journal was opened
	 * @since 0.2.0
	 */
	public List<JournalEntry.Stored> peek(int max, Predicate<JournalEntry.Stored> skip) {
		Assert.isTrue(max > 0, "'max' must be positive");
		Assert.notNull(skip, "'skip' cannot be null");
		this.lock.lock();
		try {
			checkOpen();
			return this.cursor.peek(max, skip, this.backlog.entries());
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Durably mark every entry up to a sequence as removed, and delete the segments that
	 * hold only removed entries. Entries already removed are ignored.
	 * @param upToSequenceInclusive the sequence of the last entry to remove
	 * @throws UncheckedIOException if the checkpoint cannot be written: nothing was
	 * removed
	 * @throws IllegalStateException if the journal is closed
	 */
	public void remove(long upToSequenceInclusive) {
		this.lock.lock();
		try {
			checkOpen();
			if (this.backlog.isEmpty() || upToSequenceInclusive < this.cursor.firstUnremoved()) {
				return;
			}
			JournalCursor.Removal removal = this.cursor.removal(upToSequenceInclusive, this.nextSequence);
			if (removal == null) {
				return;
			}
			try {
				this.checkpoint.write(removal.firstUnremoved());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(
						"Cannot write the checkpoint of send journal " + this.directory + "; no entry was removed", ex);
			}
			this.cursor.moveTo(removal.cursor(), removal.firstUnremoved());
			this.backlog.removed(removal);
			if (this.segments.deleteRemoved(removal.cursor().segment(), this.backlog.isEmpty(), this.writer::close)) {
				this.cursor.clear();
			}
			publishStatistics();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Return the journal's statistics, without waiting for an append in progress.
	 * @return the statistics
	 */
	public Statistics statistics() {
		return this.statistics;
	}

	/**
	 * Close the journal and release its directory. Entries not removed stay on disk for
	 * the next {@link #open(Path, long, long) open}. Closing again does nothing.
	 */
	@Override
	public void close() {
		this.lock.lock();
		try {
			if (this.closed) {
				return;
			}
			this.closed = true;
			this.writer.close();
			this.directoryLock.release();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void recover() throws IOException {
		this.nextSequence = new JournalRecovery(this.directory, this.checkpoint, this.segments, this.cursor,
				this.backlog)
			.recover();
		publishStatistics();
		if (!this.backlog.isEmpty()) {
			logger.info("Send journal " + this.directory + " holds " + this.backlog.entries()
					+ " entries to replay, the oldest journaled at " + this.backlog.oldestJournaledAt());
		}
	}

	private void checkOpen() {
		if (this.closed) {
			throw new IllegalStateException("Send journal " + this.directory + " is closed");
		}
	}

	private void publishStatistics() {
		this.statistics = this.backlog.statistics(this.directory, this.segments.sizeBytes(), this.maxBytes);
	}

	/**
	 * Statistics of a journal: what waits to be replayed, and what happened since it was
	 * opened.
	 *
	 * @param directory the journal's directory
	 * @param backlogEntries the entries not removed yet
	 * @param backlogBytes the bytes of the entries not removed yet
	 * @param oldestJournaledAt when the oldest entry not removed was journaled, or
	 * {@code null} when there is none
	 * @param appended the entries appended since the journal was opened
	 * @param removed the entries removed since the journal was opened
	 * @param sizeBytes the bytes the segment files take, removed entries included until
	 * their segment is deleted
	 * @param maxBytes the limit of {@code sizeBytes}
	 * @param corruptions the corrupt data found when the journal was opened
	 */
	public record Statistics(Path directory, long backlogEntries, long backlogBytes,
			@Nullable Instant oldestJournaledAt, long appended, long removed, long sizeBytes, long maxBytes,
			List<Corruption> corruptions) {

		/**
		 * Create an instance.
		 * @param directory the journal's directory
		 * @param backlogEntries the entries not removed yet
		 * @param backlogBytes the bytes of the entries not removed yet
		 * @param oldestJournaledAt when the oldest entry not removed was journaled
		 * @param appended the entries appended since the journal was opened
		 * @param removed the entries removed since the journal was opened
		 * @param sizeBytes the bytes the segment files take
		 * @param maxBytes the limit of {@code sizeBytes}
		 * @param corruptions the corrupt data found when the journal was opened
		 */
		public Statistics {
			corruptions = List.copyOf(corruptions);
		}

	}

	/**
	 * Corrupt data found when the journal was opened and moved aside.
	 *
	 * @param file the file that held it
	 * @param position the position in the file where the corrupt data started
	 * @param bytesQuarantined how many bytes were moved aside
	 * @param quarantineFile the file the bytes were moved to
	 * @param problem what was wrong
	 * @param time when it was found
	 */
	public record Corruption(Path file, long position, long bytesQuarantined, Path quarantineFile, String problem,
			Instant time) {

	}

}
