package dev.lossless.kafka.producer;

import java.io.Closeable;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The send journal of this application instance and the journal of the entries Kafka
 * refused for good, in the first free slot ({@code slot-0}, {@code slot-1}, ...) of a
 * base directory. Each slot is locked while an instance uses it, so several instances on
 * one host (or in one JVM) share a base directory safely, and an instance that starts
 * again after a crash takes the lowest free slot and replays what it finds there.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class SendJournalStore implements Closeable {

	static final int MAX_SLOTS = 64;

	private static final Log logger = LogFactory.getLog(SendJournalStore.class);

	private final SendJournal journal;

	private final SendJournal rejected;

	private SendJournalStore(SendJournal journal, SendJournal rejected) {
		this.journal = journal;
		this.rejected = rejected;
	}

	/**
	 * Open the journals in the first free slot of a base directory.
	 * @param baseDirectory the base directory
	 * @param maxBytes the most bytes each journal's files may take
	 * @param segmentBytes the size of a journal's segment files
	 * @return the store
	 * @throws IllegalStateException when all {@value #MAX_SLOTS} slots are taken
	 */
	public static SendJournalStore open(Path baseDirectory, long maxBytes, long segmentBytes) {
		for (int slot = 0; slot < MAX_SLOTS; slot++) {
			Path directory = baseDirectory.resolve("slot-" + slot);
			SendJournal journal;
			try {
				journal = SendJournal.open(directory, maxBytes, segmentBytes);
			}
			catch (IllegalStateException ex) {
				continue;
			}
			catch (UncheckedIOException ex) {
				throw new IllegalStateException("Cannot open the send journal in " + directory.toAbsolutePath()
						+ ": set lossless.kafka.producer.journal.directory to a writable directory on a persistent "
						+ "volume, or lossless.kafka.producer.journal.enabled=false", ex);
			}
			try {
				SendJournal rejected = SendJournal.open(directory.resolve("rejected"), maxBytes, segmentBytes);
				logger.info("Send journal in " + journal.directory() + " (" + journal.statistics().backlogEntries()
						+ " entries to replay)");
				return new SendJournalStore(journal, rejected);
			}
			catch (RuntimeException ex) {
				journal.close();
				throw ex;
			}
		}
		throw new IllegalStateException("All " + MAX_SLOTS + " send journal slots in " + baseDirectory.toAbsolutePath()
				+ " are in use by other application instances; set "
				+ "lossless.kafka.producer.journal.directory to a directory of this instance");
	}

	/**
	 * Return the journal of failed sends.
	 * @return the journal
	 */
	public SendJournal journal() {
		return this.journal;
	}

	/**
	 * Return the journal of the entries Kafka refused for good.
	 * @return the journal
	 */
	public SendJournal rejected() {
		return this.rejected;
	}

	@Override
	public void close() {
		try {
			this.journal.close();
		}
		finally {
			this.rejected.close();
		}
	}

}
