package dev.lossless.kafka.producer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The lock on the {@code journal.lock} file of a {@link SendJournal}'s directory, held
 * for as long as the journal is open, so that a second journal on the same directory, in
 * this process or another, is refused.
 *
 * @author Lossless Kafka team
 */
final class JournalDirectoryLock {

	static final String FILE_NAME = "journal.lock";

	private static final Log logger = LogFactory.getLog(JournalDirectoryLock.class);

	private final Path directory;

	private final FileChannel channel;

	private final FileLock lock;

	private JournalDirectoryLock(Path directory, FileChannel channel, FileLock lock) {
		this.directory = directory;
		this.channel = channel;
		this.lock = lock;
	}

	/**
	 * Create the directory if needed and lock it.
	 * @param directory the directory
	 * @return the lock
	 * @throws IllegalStateException if another journal has the directory locked
	 * @throws UncheckedIOException if the directory cannot be created or its lock file
	 * opened
	 */
	static JournalDirectoryLock acquire(Path directory) {
		FileChannel channel;
		try {
			Files.createDirectories(directory);
			channel = FileChannel.open(directory.resolve(FILE_NAME), StandardOpenOption.CREATE,
					StandardOpenOption.WRITE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot open send journal directory " + directory, ex);
		}
		FileLock lock;
		IOException failure = null;
		try {
			lock = channel.tryLock();
		}
		catch (OverlappingFileLockException ex) {
			lock = null;
		}
		catch (IOException ex) {
			lock = null;
			failure = ex;
		}
		if (lock == null) {
			closeQuietly(channel);
			throw new IllegalStateException("Send journal directory " + directory
					+ " is locked: another application (or another send journal of this one) uses it; "
					+ "give every application instance its own journal directory", failure);
		}
		return new JournalDirectoryLock(directory, channel, lock);
	}

	/**
	 * Release the lock.
	 */
	void release() {
		try {
			this.lock.release();
		}
		catch (IOException ex) {
			logger.debug("Could not release the lock of send journal " + this.directory, ex);
		}
		closeQuietly(this.channel);
	}

	static void closeQuietly(FileChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			logger.debug("Failure while closing " + channel, ex);
		}
	}

}
