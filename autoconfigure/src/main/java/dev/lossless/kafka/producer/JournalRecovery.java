package dev.lossless.kafka.producer;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.lossless.kafka.producer.JournalEntryCodec.CorruptFrameException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The recovery of a {@link SendJournal} when it is opened: reads the checkpoint, deletes
 * the segments that hold only removed entries, scans the others frame by frame, counts
 * the entries not removed, and moves a corrupt tail (or a corrupt checkpoint) to a
 * quarantine file next to it. See {@link SendJournal} for what is kept and why.
 *
 * @author Lossless Kafka team
 */
final class JournalRecovery {

	private static final Log logger = LogFactory.getLog(JournalRecovery.class);

	private final Path directory;

	private final JournalCheckpoint checkpoint;

	private final JournalSegments segments;

	private final JournalCursor cursor;

	private final JournalBacklog backlog;

	JournalRecovery(Path directory, JournalCheckpoint checkpoint, JournalSegments segments, JournalCursor cursor,
			JournalBacklog backlog) {
		this.directory = directory;
		this.checkpoint = checkpoint;
		this.segments = segments;
		this.cursor = cursor;
		this.backlog = backlog;
	}

	/**
	 * Recover the journal's segments, cursor and backlog from its directory.
	 * @return the sequence of the next entry to append
	 * @throws IOException if the directory cannot be read or written
	 */
	long recover() throws IOException {
		long checkpointed = readCheckpoint();
		List<JournalSegment> found = JournalSegment.find(this.directory);
		List<JournalSegment> kept = new ArrayList<>();
		for (int i = 0; i < found.size(); i++) {
			if (i + 1 < found.size() && found.get(i + 1).base() <= checkpointed) {
				Files.deleteIfExists(found.get(i).file());
				logger.debug("Deleted fully removed send journal segment " + found.get(i).file());
			}
			else {
				kept.add(found.get(i));
			}
		}
		long next = 0;
		for (int i = 0; i < kept.size(); i++) {
			JournalSegment segment = kept.get(i);
			next = Math.max(scan(segment, checkpointed, next, i == kept.size() - 1), segment.base());
			this.segments.add(segment);
		}
		if (this.backlog.isEmpty()) {
			JournalSegment last = this.segments.last();
			this.cursor.moveTo((last != null) ? new JournalCursor.Position(last.base(), last.size())
					: new JournalCursor.Position(JournalCursor.NO_SEGMENT, 0), next);
		}
		if (found.size() != kept.size()) {
			JournalCheckpoint.forceDirectory(this.directory);
		}
		return Math.max(next, checkpointed);
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
			this.backlog.corrupted(new SendJournal.Corruption(file, 0, bytes, quarantine,
					"checkpoint " + ex.getMessage(), Instant.now()));
			logger.warn("Send journal checkpoint " + file + " is corrupt (" + ex.getMessage() + "), moved to "
					+ quarantine + ": every entry still on disk will be replayed, including entries already sent");
			return 0;
		}
	}

	/**
	 * Scan a segment, count its unremoved entries and quarantine a corrupt tail.
	 * @return the sequence after the segment's last good entry
	 */
	private long scan(JournalSegment segment, long checkpointed, long lowestSequence, boolean last) throws IOException {
		try (FileChannel channel = FileChannel.open(segment.file(), StandardOpenOption.READ,
				StandardOpenOption.WRITE)) {
			long fileSize = channel.size();
			JournalFrameReader frames = new JournalFrameReader(channel, 0, fileSize);
			long expected = segment.base();
			String problem = (segment.base() < lowestSequence) ? "segment starts at sequence " + segment.base()
					+ " but sequence " + (lowestSequence - 1) + " was already read" : null;
			while (problem == null && frames.hasNext()) {
				JournalEntry.Stored stored;
				int frameBytes;
				try {
					frameBytes = frames.readHeader();
					stored = frames.entry();
				}
				catch (CorruptFrameException ex) {
					problem = ex.getMessage();
					break;
				}
				if (stored.sequence() != expected) {
					problem = "sequence " + stored.sequence() + " where " + expected + " was expected";
					break;
				}
				if (stored.sequence() >= checkpointed) {
					if (this.backlog.isEmpty()) {
						this.cursor.moveTo(new JournalCursor.Position(segment.base(), frames.position()),
								stored.sequence());
					}
					this.backlog.recovered(stored.entry().journaledAt(), frameBytes);
				}
				expected++;
				frames.skip();
			}
			if (problem != null) {
				quarantine(segment, channel, frames.position(), fileSize, problem, last);
			}
			segment.size(frames.position());
			return expected;
		}
	}

	private void quarantine(JournalSegment segment, FileChannel channel, long position, long fileSize, String problem,
			boolean last) throws IOException {
		long bytes = fileSize - position;
		Path quarantine = quarantineFileFor(segment.file());
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
		this.backlog
			.corrupted(new SendJournal.Corruption(segment.file(), position, bytes, quarantine, problem, Instant.now()));
		logger.warn("Send journal segment " + segment.file() + " is corrupt at position " + position + " (" + problem
				+ "): " + bytes + " bytes moved to " + quarantine + " and the segment truncated; the entries before"
				+ " are kept" + (last ? ""
						: ", the entries after in this segment are not replayed (they stay in the quarantine file)"));
	}

	private static Path quarantineFileFor(Path file) {
		String name = file.getFileName() + ".corrupt-" + System.currentTimeMillis();
		Path candidate = file.resolveSibling(name);
		for (int i = 1; Files.exists(candidate); i++) {
			candidate = file.resolveSibling(name + "-" + i);
		}
		return candidate;
	}

}
