package dev.lossless.kafka.producer;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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

	static final String SEGMENT_SUFFIX = ".journal";

	static final String LOCK_FILE_NAME = "journal.lock";

	private static final Pattern SEGMENT_NAME = Pattern.compile("\\d{20}" + Pattern.quote(SEGMENT_SUFFIX));

	private static final long NO_SEGMENT = -1;

	private final Path directory;

	private final long maxBytes;

	private final long segmentBytes;

	private final FileChannel lockChannel;

	private final FileLock fileLock;

	private final JournalCheckpoint checkpoint;

	private final ReentrantLock lock = new ReentrantLock();

	private final TreeMap<Long, Segment> segments = new TreeMap<>();

	private final List<Corruption> corruptions = new ArrayList<>();

	private @Nullable FileChannel appendChannel;

	private long nextSequence;

	private long firstUnremoved;

	private long cursorSegment = NO_SEGMENT;

	private long cursorPosition;

	private long backlogEntries;

	private long backlogBytes;

	private @Nullable Instant oldestJournaledAt;

	private long sizeBytes;

	private long appended;

	private long removed;

	private @Nullable IOException failure;

	private boolean closed;

	private volatile Statistics statistics;

	private SendJournal(Path directory, long maxBytes, long segmentBytes, FileChannel lockChannel, FileLock fileLock) {
		this.directory = directory;
		this.maxBytes = maxBytes;
		this.segmentBytes = segmentBytes;
		this.lockChannel = lockChannel;
		this.fileLock = fileLock;
		this.checkpoint = new JournalCheckpoint(directory);
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
		FileChannel lockChannel;
		try {
			Files.createDirectories(absolute);
			lockChannel = FileChannel.open(absolute.resolve(LOCK_FILE_NAME), StandardOpenOption.CREATE,
					StandardOpenOption.WRITE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot open send journal directory " + absolute, ex);
		}
		FileLock fileLock = lock(absolute, lockChannel);
		SendJournal journal = new SendJournal(absolute, maxBytes, segmentBytes, lockChannel, fileLock);
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

	private static FileLock lock(Path directory, FileChannel lockChannel) {
		FileLock fileLock;
		IOException failure = null;
		try {
			fileLock = lockChannel.tryLock();
		}
		catch (OverlappingFileLockException ex) {
			fileLock = null;
		}
		catch (IOException ex) {
			fileLock = null;
			failure = ex;
		}
		if (fileLock == null) {
			closeQuietly(lockChannel);
			throw new IllegalStateException("Send journal directory " + directory
					+ " is locked: another application (or another send journal of this one) uses it; "
					+ "give every application instance its own journal directory", failure);
		}
		return fileLock;
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
			checkWritable();
			ByteBuffer frame = JournalEntryCodec.encode(this.nextSequence, entry);
			int frameBytes = frame.remaining();
			if (this.sizeBytes + frameBytes > this.maxBytes) {
				throw new SendJournalFullException(this.directory, this.sizeBytes, this.maxBytes, entry.topic(),
						frameBytes);
			}
			boolean interrupted = Thread.interrupted();
			try {
				Segment segment = segmentFor(frameBytes);
				write(segment, frame, entry);
				segment.size += frameBytes;
			}
			finally {
				if (interrupted) {
					Thread.currentThread().interrupt();
				}
			}
			this.sizeBytes += frameBytes;
			this.appended++;
			this.backlogEntries++;
			this.backlogBytes += frameBytes;
			if (this.oldestJournaledAt == null) {
				this.oldestJournaledAt = entry.journaledAt();
				this.firstUnremoved = this.nextSequence;
			}
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
			List<JournalEntry.Stored> entries = new ArrayList<>((int) Math.min(max, this.backlogEntries));
			long base = this.cursorSegment;
			long position = this.cursorPosition;
			Map.Entry<Long, Segment> current = this.segments.ceilingEntry(base);
			while (current != null && entries.size() < max) {
				Segment segment = current.getValue();
				if (segment.base != base) {
					base = segment.base;
					position = 0;
				}
				if (position >= segment.size) {
					current = this.segments.higherEntry(segment.base);
					continue;
				}
				try (FileChannel channel = FileChannel.open(segment.file, StandardOpenOption.READ)) {
					while (position < segment.size && entries.size() < max) {
						ByteBuffer header = ByteBuffer.allocate(JournalEntryCodec.FRAME_HEADER_BYTES);
						readFully(channel, header, position);
						int length = header.getInt(0);
						checkFrame(segment, position, length);
						ByteBuffer payload = ByteBuffer.allocate(length);
						readFully(channel, payload, position + JournalEntryCodec.FRAME_HEADER_BYTES);
						try {
							JournalEntry.Stored stored = JournalEntryCodec.decode(header.getInt(4), payload.flip());
							if (!skip.test(stored)) {
								entries.add(stored);
							}
						}
						catch (JournalEntryCodec.CorruptFrameException ex) {
							throw corruptSinceOpen(segment, position, ex.getMessage());
						}
						position += JournalEntryCodec.FRAME_HEADER_BYTES + length;
					}
				}
				catch (IOException ex) {
					throw new UncheckedIOException("Cannot read send journal segment " + segment.file, ex);
				}
			}
			return entries;
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
			if (this.backlogEntries == 0 || upToSequenceInclusive < this.firstUnremoved) {
				return;
			}
			long base = this.cursorSegment;
			long position = this.cursorPosition;
			long count = 0;
			long bytes = 0;
			long newFirst = this.nextSequence;
			Instant newOldest = null;
			ByteBuffer prefix = ByteBuffer.allocate(JournalEntryCodec.PREFIX_BYTES);
			Map.Entry<Long, Segment> current = this.segments.ceilingEntry(base);
			walk: while (current != null) {
				Segment segment = current.getValue();
				if (segment.base != base) {
					base = segment.base;
					position = 0;
				}
				try (FileChannel channel = FileChannel.open(segment.file, StandardOpenOption.READ)) {
					while (position < segment.size) {
						JournalEntryCodec.Prefix read = readPrefix(channel, segment, position, prefix);
						if (read.sequence() > upToSequenceInclusive) {
							newFirst = read.sequence();
							newOldest = read.journaledAt();
							break walk;
						}
						count++;
						bytes += read.frameBytes();
						position += read.frameBytes();
					}
				}
				catch (IOException ex) {
					throw new UncheckedIOException("Cannot read send journal segment " + segment.file, ex);
				}
				current = this.segments.higherEntry(segment.base);
			}
			if (count == 0) {
				return;
			}
			try {
				this.checkpoint.write(newFirst);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(
						"Cannot write the checkpoint of send journal " + this.directory + "; no entry was removed", ex);
			}
			this.firstUnremoved = newFirst;
			this.cursorSegment = base;
			this.cursorPosition = position;
			this.backlogEntries -= count;
			this.backlogBytes -= bytes;
			this.oldestJournaledAt = newOldest;
			this.removed += count;
			deleteRemovedSegments();
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
			closeAppendChannel();
			try {
				this.fileLock.release();
			}
			catch (IOException ex) {
				logger.debug("Could not release the lock of send journal " + this.directory, ex);
			}
			closeQuietly(this.lockChannel);
		}
		finally {
			this.lock.unlock();
		}
	}

	private void recover() throws IOException {
		long checkpointed = readCheckpoint();
		List<Segment> found = findSegments();
		List<Segment> kept = new ArrayList<>();
		for (int i = 0; i < found.size(); i++) {
			if (i + 1 < found.size() && found.get(i + 1).base <= checkpointed) {
				Files.deleteIfExists(found.get(i).file);
				logger.debug("Deleted fully removed send journal segment " + found.get(i).file);
			}
			else {
				kept.add(found.get(i));
			}
		}
		long next = 0;
		for (int i = 0; i < kept.size(); i++) {
			Segment segment = kept.get(i);
			next = Math.max(scan(segment, checkpointed, next, i == kept.size() - 1), segment.base);
			this.segments.put(segment.base, segment);
			this.sizeBytes += segment.size;
		}
		this.nextSequence = Math.max(next, checkpointed);
		if (this.backlogEntries == 0) {
			this.firstUnremoved = next;
			Map.Entry<Long, Segment> last = this.segments.lastEntry();
			this.cursorSegment = (last != null) ? last.getKey() : NO_SEGMENT;
			this.cursorPosition = (last != null) ? last.getValue().size : 0;
		}
		if (found.size() != kept.size()) {
			JournalCheckpoint.forceDirectory(this.directory);
		}
		publishStatistics();
		if (this.backlogEntries > 0) {
			logger.info("Send journal " + this.directory + " holds " + this.backlogEntries
					+ " entries to replay, the oldest journaled at " + this.oldestJournaledAt);
		}
	}

	private long readCheckpoint() throws IOException {
		try {
			return this.checkpoint.read();
		}
		catch (JournalCheckpoint.CorruptCheckpointException ex) {
			Path file = this.checkpoint.file();
			long bytes = Files.size(file);
			Path quarantine = quarantineFileFor(file);
			Files.move(file, quarantine);
			JournalCheckpoint.forceDirectory(this.directory);
			Corruption corruption = new Corruption(file, 0, bytes, quarantine, "checkpoint " + ex.getMessage(),
					Instant.now());
			this.corruptions.add(corruption);
			logger.warn("Send journal checkpoint " + file + " is corrupt (" + ex.getMessage() + "), moved to "
					+ quarantine + ": every entry still on disk will be replayed, including entries already sent");
			return 0;
		}
	}

	private List<Segment> findSegments() throws IOException {
		try (Stream<Path> files = Files.list(this.directory)) {
			return files.filter((file) -> SEGMENT_NAME.matcher(file.getFileName().toString()).matches())
				.filter(Files::isRegularFile)
				.map((file) -> new Segment(baseOf(file), file))
				.sorted((left, right) -> Long.compare(left.base, right.base))
				.toList();
		}
	}

	/**
	 * Scan a segment, count its unremoved entries and quarantine a corrupt tail.
	 * @return the sequence after the segment's last good entry
	 */
	private long scan(Segment segment, long checkpointed, long lowestSequence, boolean last) throws IOException {
		try (FileChannel channel = FileChannel.open(segment.file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			long fileSize = channel.size();
			long position = 0;
			long expected = segment.base;
			String problem = (segment.base < lowestSequence) ? "segment starts at sequence " + segment.base
					+ " but sequence " + (lowestSequence - 1) + " was already read" : null;
			ByteBuffer header = ByteBuffer.allocate(JournalEntryCodec.FRAME_HEADER_BYTES);
			while (problem == null && position < fileSize) {
				if (fileSize - position < JournalEntryCodec.FRAME_HEADER_BYTES) {
					problem = "incomplete entry header";
					break;
				}
				readFully(channel, header.clear(), position);
				int length = header.getInt(0);
				if (!JournalEntryCodec.isPlausibleLength(length)) {
					problem = "invalid entry length " + length;
					break;
				}
				if (position + JournalEntryCodec.FRAME_HEADER_BYTES + length > fileSize) {
					problem = "entry of " + length + " bytes runs past the end of the file";
					break;
				}
				ByteBuffer payload = ByteBuffer.allocate(length);
				readFully(channel, payload, position + JournalEntryCodec.FRAME_HEADER_BYTES);
				JournalEntry.Stored stored;
				try {
					stored = JournalEntryCodec.decode(header.getInt(4), payload.flip());
				}
				catch (JournalEntryCodec.CorruptFrameException ex) {
					problem = ex.getMessage();
					break;
				}
				if (stored.sequence() != expected) {
					problem = "sequence " + stored.sequence() + " where " + expected + " was expected";
					break;
				}
				int frameBytes = JournalEntryCodec.FRAME_HEADER_BYTES + length;
				if (stored.sequence() >= checkpointed) {
					if (this.backlogEntries == 0) {
						this.cursorSegment = segment.base;
						this.cursorPosition = position;
						this.firstUnremoved = stored.sequence();
						this.oldestJournaledAt = stored.entry().journaledAt();
					}
					this.backlogEntries++;
					this.backlogBytes += frameBytes;
				}
				expected++;
				position += frameBytes;
			}
			if (problem != null) {
				quarantine(segment, channel, position, fileSize, problem, last);
			}
			segment.size = position;
			return expected;
		}
	}

	private void quarantine(Segment segment, FileChannel channel, long position, long fileSize, String problem,
			boolean last) throws IOException {
		long bytes = fileSize - position;
		Path quarantine = quarantineFileFor(segment.file);
		try (FileChannel target = FileChannel.open(quarantine, StandardOpenOption.CREATE_NEW,
				StandardOpenOption.WRITE)) {
			long copied = 0;
			while (copied < bytes) {
				long transferred = channel.transferTo(position + copied, bytes - copied, target);
				if (transferred <= 0) {
					break;
				}
				copied += transferred;
			}
			target.force(true);
		}
		JournalCheckpoint.forceDirectory(this.directory);
		channel.truncate(position);
		channel.force(true);
		this.corruptions.add(new Corruption(segment.file, position, bytes, quarantine, problem, Instant.now()));
		logger.warn("Send journal segment " + segment.file + " is corrupt at position " + position + " (" + problem
				+ "): " + bytes + " bytes moved to " + quarantine + " and the segment truncated; the entries before"
				+ " are kept" + (last ? ""
						: ", the entries after in this segment are not replayed (they stay in the quarantine file)"));
	}

	private Path quarantineFileFor(Path file) {
		String name = file.getFileName() + ".corrupt-" + System.currentTimeMillis();
		Path candidate = file.resolveSibling(name);
		for (int i = 1; Files.exists(candidate); i++) {
			candidate = file.resolveSibling(name + "-" + i);
		}
		return candidate;
	}

	private Segment segmentFor(int frameBytes) {
		Map.Entry<Long, Segment> last = this.segments.lastEntry();
		if (last != null && (last.getValue().size == 0 || last.getValue().size + frameBytes <= this.segmentBytes)) {
			return last.getValue();
		}
		closeAppendChannel();
		Path file = this.directory.resolve(segmentName(this.nextSequence));
		Segment segment = new Segment(this.nextSequence, file);
		try {
			this.appendChannel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
			JournalCheckpoint.forceDirectory(this.directory);
		}
		catch (IOException ex) {
			closeAppendChannel();
			throw new UncheckedIOException("Cannot create send journal segment " + file, ex);
		}
		this.segments.put(segment.base, segment);
		if (this.cursorSegment == NO_SEGMENT) {
			this.cursorSegment = segment.base;
			this.cursorPosition = 0;
		}
		return segment;
	}

	private void write(Segment segment, ByteBuffer frame, JournalEntry entry) {
		long start = segment.size;
		try {
			FileChannel channel = appendChannel(segment);
			long position = start;
			while (frame.hasRemaining()) {
				position += channel.write(frame, position);
			}
			channel.force(false);
		}
		catch (IOException ex) {
			undoWrite(segment, start, ex);
			throw new UncheckedIOException("Cannot write to send journal " + this.directory + "; the record for topic '"
					+ entry.topic() + "' was not journaled", ex);
		}
	}

	private void undoWrite(Segment segment, long start, IOException cause) {
		// An interrupt during the write closed the channel: reopen it, uninterrupted
		boolean interrupted = Thread.interrupted();
		try {
			FileChannel channel = appendChannel(segment);
			channel.truncate(start);
			channel.force(false);
		}
		catch (IOException ex) {
			cause.addSuppressed(ex);
			this.failure = ex;
			logger.error("Send journal " + this.directory + " could not undo a failed write to " + segment.file
					+ " and accepts no more entries until it is reopened", ex);
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private FileChannel appendChannel(Segment segment) throws IOException {
		FileChannel channel = this.appendChannel;
		if (channel == null || !channel.isOpen()) {
			channel = FileChannel.open(segment.file, StandardOpenOption.WRITE);
			this.appendChannel = channel;
		}
		return channel;
	}

	private void closeAppendChannel() {
		FileChannel channel = this.appendChannel;
		this.appendChannel = null;
		if (channel != null) {
			closeQuietly(channel);
		}
	}

	private void deleteRemovedSegments() {
		boolean deleted = false;
		while (!this.segments.isEmpty()) {
			Segment first = this.segments.firstEntry().getValue();
			boolean isLast = first == this.segments.lastEntry().getValue();
			if (first.base >= this.cursorSegment && !(isLast && this.backlogEntries == 0)) {
				break;
			}
			if (isLast) {
				closeAppendChannel();
			}
			try {
				Files.deleteIfExists(first.file);
			}
			catch (IOException ex) {
				logger.warn("Cannot delete removed send journal segment " + first.file + "; trying again later", ex);
				break;
			}
			this.segments.remove(first.base);
			this.sizeBytes -= first.size;
			deleted = true;
		}
		if (this.segments.isEmpty()) {
			this.cursorSegment = NO_SEGMENT;
			this.cursorPosition = 0;
		}
		if (deleted) {
			try {
				JournalCheckpoint.forceDirectory(this.directory);
			}
			catch (IOException ex) {
				logger.debug("Cannot sync send journal directory " + this.directory, ex);
			}
		}
	}

	private JournalEntryCodec.Prefix readPrefix(FileChannel channel, Segment segment, long position, ByteBuffer prefix)
			throws IOException {
		readFully(channel, prefix.clear(), position);
		checkFrame(segment, position, prefix.getInt(0));
		return JournalEntryCodec.readPrefix(prefix);
	}

	private void checkFrame(Segment segment, long position, int length) {
		if (!JournalEntryCodec.isPlausibleLength(length)
				|| position + JournalEntryCodec.FRAME_HEADER_BYTES + length > segment.size) {
			throw corruptSinceOpen(segment, position, "invalid entry length " + length);
		}
	}

	private IllegalStateException corruptSinceOpen(Segment segment, long position, @Nullable String problem) {
		return new IllegalStateException("Send journal segment " + segment.file + " changed on disk since it was "
				+ "opened: corrupt entry at position " + position + " (" + problem + "); reopen the journal to "
				+ "quarantine it");
	}

	private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
		long offset = position;
		while (buffer.hasRemaining()) {
			int read = channel.read(buffer, offset);
			if (read < 0) {
				throw new IOException("Unexpected end of file at position " + offset);
			}
			offset += read;
		}
	}

	private void checkOpen() {
		if (this.closed) {
			throw new IllegalStateException("Send journal " + this.directory + " is closed");
		}
	}

	private void checkWritable() {
		checkOpen();
		IOException failure = this.failure;
		if (failure != null) {
			throw new UncheckedIOException(
					"Send journal " + this.directory
							+ " could not undo a failed write and accepts no more entries until it is reopened",
					failure);
		}
	}

	private void publishStatistics() {
		this.statistics = new Statistics(this.directory, this.backlogEntries, this.backlogBytes, this.oldestJournaledAt,
				this.appended, this.removed, this.sizeBytes, this.maxBytes, this.corruptions);
	}

	static String segmentName(long base) {
		return String.format("%020d%s", base, SEGMENT_SUFFIX);
	}

	private static long baseOf(Path segment) {
		String name = segment.getFileName().toString();
		return Long.parseLong(name.substring(0, name.length() - SEGMENT_SUFFIX.length()));
	}

	private static void closeQuietly(Closeable closeable) {
		try {
			closeable.close();
		}
		catch (IOException ex) {
			logger.debug("Failure while closing " + closeable, ex);
		}
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

	private static final class Segment {

		private final long base;

		private final Path file;

		private long size;

		Segment(long base, Path file) {
			this.base = base;
			this.file = file;
		}

	}

}
