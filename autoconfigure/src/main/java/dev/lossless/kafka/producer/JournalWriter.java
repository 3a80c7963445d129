package dev.lossless.kafka.producer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Appends the frames of a {@link SendJournal} to its last segment, starting a new segment
 * when the last would grow past {@code segmentBytes}, and forces each to disk. A write
 * that fails is undone; if it cannot be undone, the writer accepts no more frames.
 * Guarded by the journal's lock.
 *
 * @author Lossless Kafka team
 */
final class JournalWriter {

	private static final Log logger = LogFactory.getLog(JournalWriter.class);

	private final Path directory;

	private final long segmentBytes;

	private final JournalSegments segments;

	private final JournalCursor cursor;

	private @Nullable FileChannel channel;

	private @Nullable IOException failure;

	JournalWriter(Path directory, long segmentBytes, JournalSegments segments, JournalCursor cursor) {
		this.directory = directory;
		this.segmentBytes = segmentBytes;
		this.segments = segments;
		this.cursor = cursor;
	}

	/**
	 * Append a frame and force it to disk, even from an interrupted thread.
	 * @param sequence the sequence of the entry, the base of a new segment
	 * @param frame the frame
	 * @param entry the entry, for the error message
	 * @throws UncheckedIOException if the frame could not be written: it was not
	 */
	void append(long sequence, ByteBuffer frame, JournalEntry entry) {
		checkWritable();
		int frameBytes = frame.remaining();
		boolean interrupted = Thread.interrupted();
		try {
			JournalSegment segment = segmentFor(sequence, frameBytes);
			write(segment, frame, entry);
			this.segments.grow(segment, frameBytes);
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Fail if a write could not be undone.
	 * @throws UncheckedIOException if the writer accepts no more frames
	 */
	void checkWritable() {
		IOException failure = this.failure;
		if (failure != null) {
			throw new UncheckedIOException(
					"Send journal " + this.directory
							+ " could not undo a failed write and accepts no more entries until it is reopened",
					failure);
		}
	}

	/**
	 * Close the file of the last segment; it is opened again by the next append.
	 */
	void close() {
		FileChannel channel = this.channel;
		this.channel = null;
		if (channel != null) {
			JournalDirectoryLock.closeQuietly(channel);
		}
	}

	private JournalSegment segmentFor(long sequence, int frameBytes) {
		JournalSegment last = this.segments.last();
		if (last != null && (last.size() == 0 || last.size() + frameBytes <= this.segmentBytes)) {
			return last;
		}
		close();
		JournalSegment segment = JournalSegment.of(this.directory, sequence);
		try {
			this.channel = FileChannel.open(segment.file(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
			JournalCheckpoint.forceDirectory(this.directory);
		}
		catch (IOException ex) {
			close();
			throw new UncheckedIOException("Cannot create send journal segment " + segment.file(), ex);
		}
		this.segments.add(segment);
		this.cursor.startIfNone(segment);
		return segment;
	}

	private void write(JournalSegment segment, ByteBuffer frame, JournalEntry entry) {
		long start = segment.size();
		try {
			FileChannel channel = channel(segment);
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

	private void undoWrite(JournalSegment segment, long start, IOException cause) {
		// An interrupt during the write closed the channel: reopen it, uninterrupted
		boolean interrupted = Thread.interrupted();
		try {
			FileChannel channel = channel(segment);
			channel.truncate(start);
			channel.force(false);
		}
		catch (IOException ex) {
			cause.addSuppressed(ex);
			this.failure = ex;
			logger.error("Send journal " + this.directory + " could not undo a failed write to " + segment.file()
					+ " and accepts no more entries until it is reopened", ex);
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private FileChannel channel(JournalSegment segment) throws IOException {
		FileChannel channel = this.channel;
		if (channel == null || !channel.isOpen()) {
			channel = FileChannel.open(segment.file(), StandardOpenOption.WRITE);
			this.channel = channel;
		}
		return channel;
	}

}
