package dev.lossless.kafka.chaos;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Appends lines to the outcome log of an application process. Every line is handed to the
 * operating system before {@link #write(String)} returns, so it survives a
 * {@code SIGKILL} of the process.
 *
 * @author Lossless Kafka team
 */
final class OutcomeWriter implements AutoCloseable {

	private final OutputStream output;

	OutcomeWriter(Path file) {
		try {
			this.output = new FileOutputStream(file.toFile(), true);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	synchronized void write(String line) {
		try {
			this.output.write((line + "\n").getBytes(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public synchronized void close() throws IOException {
		this.output.close();
	}

}
