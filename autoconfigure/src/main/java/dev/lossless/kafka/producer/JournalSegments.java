package dev.lossless.kafka.producer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;

import dev.lossless.kafka.producer.JournalEntryCodec.CorruptFrameException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The segment files of a {@link SendJournal}, by sequence, with the bytes they take, and
 * the walk over their frames from a position on. Guarded by the journal's lock.
 *
 * @author Lossless Kafka team
 */
final class JournalSegments {

	private static final Log logger = LogFactory.getLog(JournalSegments.class);

	private final Path directory;

	private final TreeMap<Long, JournalSegment> segments = new TreeMap<>();

	private long sizeBytes;

	JournalSegments(Path directory) {
		this.directory = directory;
	}

	/**
	 * Add a segment after the others.
	 * @param segment the segment
	 */
	void add(JournalSegment segment) {
		this.segments.put(segment.base(), segment);
		this.sizeBytes += segment.size();
	}

	/**
	 * Count bytes appended to a segment.
	 * @param segment the segment
	 * @param bytes the bytes appended
	 */
	void grow(JournalSegment segment, int bytes) {
		segment.size(segment.size() + bytes);
		this.sizeBytes += bytes;
	}

	@Nullable JournalSegment last() {
		Map.Entry<Long, JournalSegment> last = this.segments.lastEntry();
		return (last != null) ? last.getValue() : null;
	}

	/**
	 * Return the bytes the segment files take.
	 * @return the bytes
	 */
	long sizeBytes() {
		return this.sizeBytes;
	}

	/**
	 * Walk the frames from a position on, segment after segment, until the visitor stops
	 * or the frames end.
	 * @param from the position of the first frame
	 * @param visitor sees each frame, its header read
	 * @return the position of the frame the visitor stopped at, or the end of the last
	 * segment
	 * @throws UncheckedIOException if a segment cannot be read
	 * @throws IllegalStateException if a frame became unreadable since the journal was
	 * opened
	 */
	JournalCursor.Position walk(JournalCursor.Position from, FrameVisitor visitor) {
		long base = from.segment();
		long position = from.position();
		Map.Entry<Long, JournalSegment> current = this.segments.ceilingEntry(base);
		while (current != null) {
			JournalSegment segment = current.getValue();
			if (segment.base() != base) {
				base = segment.base();
				position = 0;
			}
			if (position < segment.size()) {
				try (FileChannel channel = FileChannel.open(segment.file(), StandardOpenOption.READ)) {
					JournalFrameReader frames = new JournalFrameReader(channel, position, segment.size());
					try {
						while (frames.hasNext()) {
							frames.readHeader();
							if (!visitor.visit(frames)) {
								return new JournalCursor.Position(base, frames.position());
							}
							frames.skip();
						}
					}
					catch (CorruptFrameException ex) {
						throw new IllegalStateException("Send journal segment " + segment.file() + " changed on disk "
								+ "since it was opened: corrupt entry at position " + frames.position() + " ("
								+ ex.getMessage() + "); reopen the journal to quarantine it");
					}
					position = frames.position();
				}
				catch (IOException ex) {
					throw new UncheckedIOException("Cannot read send journal segment " + segment.file(), ex);
				}
			}
			current = this.segments.higherEntry(segment.base());
		}
		return new JournalCursor.Position(base, position);
	}

	/**
	 * Delete the segments that hold only removed entries: those before the cursor's, and
	 * the cursor's own when it is the last and nothing is left to read.
	 * @param cursorSegment the segment of the first entry not removed
	 * @param backlogEmpty whether every entry was removed
	 * @param beforeDeletingLast called before the last segment is deleted
	 * @return whether no segment is left
	 */
	boolean deleteRemoved(long cursorSegment, boolean backlogEmpty, Runnable beforeDeletingLast) {
		boolean deleted = false;
		while (!this.segments.isEmpty()) {
			JournalSegment first = this.segments.firstEntry().getValue();
			boolean isLast = first == this.segments.lastEntry().getValue();
			if (first.base() >= cursorSegment && !(isLast && backlogEmpty)) {
				break;
			}
			if (isLast) {
				beforeDeletingLast.run();
			}
			try {
				Files.deleteIfExists(first.file());
			}
			catch (IOException ex) {
				logger.warn("Cannot delete removed send journal segment " + first.file() + "; trying again later", ex);
				break;
			}
			this.segments.remove(first.base());
			this.sizeBytes -= first.size();
			deleted = true;
		}
		if (deleted) {
			try {
				JournalCheckpoint.forceDirectory(this.directory);
			}
			catch (IOException ex) {
				logger.debug("Cannot sync send journal directory " + this.directory, ex);
			}
		}
		return this.segments.isEmpty();
	}

	/**
	 * Sees the frames of a walk.
	 */
	@FunctionalInterface
	interface FrameVisitor {

		/**
		 * Look at a frame whose header was read.
		 * @param frame the reader, at the frame
		 * @return whether to go on past the frame, {@code false} to stop at it
		 * @throws IOException if the frame cannot be read
		 * @throws CorruptFrameException if the frame is corrupt
		 */
		boolean visit(JournalFrameReader frame) throws IOException, CorruptFrameException;

	}

}
