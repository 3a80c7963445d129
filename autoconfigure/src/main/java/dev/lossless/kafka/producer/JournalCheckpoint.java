package dev.lossless.kafka.producer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * The checkpoint file of a {@link SendJournal}: the sequence of the first entry not yet
 * removed, as {@code [byte version][long sequence][int CRC32C of the 9 bytes before]},
 * replaced atomically (temporary file, fsync, atomic move, fsync of the directory) so
 * that a crash leaves either the old or the new checkpoint.
 *
 * @author Lossless Kafka team
 */
final class JournalCheckpoint {

	static final String FILE_NAME = "checkpoint";

	private static final String TEMPORARY_FILE_NAME = "checkpoint.tmp";

	private static final byte VERSION = 1;

	private static final int BYTES = 1 + 8 + 4;

	private static final boolean WINDOWS = System.getProperty("os.name", "")
		.toLowerCase(Locale.ROOT)
		.startsWith("windows");

	private final Path file;

	private final Path temporaryFile;

	JournalCheckpoint(Path directory) {
		this.file = directory.resolve(FILE_NAME);
		this.temporaryFile = directory.resolve(TEMPORARY_FILE_NAME);
	}

	Path file() {
		return this.file;
	}

	/**
	 * Read the checkpoint.
	 * @return the first unremoved sequence, {@code 0} when there is no checkpoint yet
	 * @throws IOException if the file cannot be read
	 * @throws CorruptCheckpointException if the file is not a checkpoint
	 */
	long read() throws IOException, CorruptCheckpointException {
		byte[] bytes;
		try {
			bytes = Files.readAllBytes(this.file);
		}
		catch (NoSuchFileException ex) {
			return 0;
		}
		if (bytes.length != BYTES) {
			throw new CorruptCheckpointException(bytes.length + " bytes instead of " + BYTES);
		}
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		if (buffer.get(0) != VERSION || buffer.getInt(9) != checksum(bytes)) {
			throw new CorruptCheckpointException("unknown version or checksum mismatch");
		}
		long sequence = buffer.getLong(1);
		if (sequence < 0) {
			throw new CorruptCheckpointException("negative sequence " + sequence);
		}
		return sequence;
	}

	/**
	 * Replace the checkpoint, durably.
	 * @param firstUnremoved the sequence of the first entry not removed
	 * @throws IOException if the checkpoint cannot be written
	 */
	void write(long firstUnremoved) throws IOException {
		byte[] bytes = new byte[BYTES];
		ByteBuffer buffer = ByteBuffer.wrap(bytes).put(VERSION).putLong(firstUnremoved);
		buffer.putInt(checksum(bytes));
		try (FileChannel channel = FileChannel.open(this.temporaryFile, StandardOpenOption.CREATE,
				StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
			ByteBuffer content = ByteBuffer.wrap(bytes);
			while (content.hasRemaining()) {
				channel.write(content);
			}
			channel.force(true);
		}
		Files.move(this.temporaryFile, this.file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		forceDirectory(this.file.getParent());
	}

	/**
	 * Make the creation, renaming or deletion of files in a directory durable. Does
	 * nothing on Windows, where a directory cannot be opened.
	 * @param directory the directory
	 * @throws IOException if the directory cannot be synced
	 */
	static void forceDirectory(Path directory) throws IOException {
		if (WINDOWS) {
			return;
		}
		try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
			channel.force(true);
		}
	}

	private static int checksum(byte[] bytes) {
		CRC32C crc = new CRC32C();
		crc.update(bytes, 0, 9);
		return (int) crc.getValue();
	}

	/**
	 * A checkpoint file that is not a checkpoint.
	 */
	static final class CorruptCheckpointException extends Exception {

		CorruptCheckpointException(String message) {
			super(message);
		}

	}

}
