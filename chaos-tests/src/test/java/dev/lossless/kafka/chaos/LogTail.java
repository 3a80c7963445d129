package dev.lossless.kafka.chaos;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Reads the complete lines appended to a file since the last read.
 *
 * @author Lossless Kafka team
 */
final class LogTail {

	private final Path file;

	private long position;

	private final StringBuilder partial = new StringBuilder();

	LogTail(Path file) {
		this.file = file;
	}

	Path file() {
		return this.file;
	}

	/**
	 * Hand every complete line appended since the last call to a handler.
	 * @param handler the line handler
	 */
	synchronized void read(Consumer<String> handler) {
		if (!Files.exists(this.file)) {
			return;
		}
		try (RandomAccessFile input = new RandomAccessFile(this.file.toFile(), "r")) {
			long length = input.length();
			if (length <= this.position) {
				return;
			}
			byte[] bytes = new byte[(int) (length - this.position)];
			input.seek(this.position);
			input.readFully(bytes);
			this.position = length;
			this.partial.append(new String(bytes, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Failed to read " + this.file, ex);
		}
		// One delete after the scan: deleting each line from the front is quadratic,
		// which
		// a log read for the first time at its end (a million lines) does not survive
		int start = 0;
		int end;
		while ((end = this.partial.indexOf("\n", start)) >= 0) {
			handler.accept(this.partial.substring(start, end));
			start = end + 1;
		}
		this.partial.delete(0, start);
	}

}
