package dev.lossless.kafka.producer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One segment file of a {@link SendJournal}, named by the sequence of its first entry
 * ({@code 00000000000000000000.journal}), and the bytes of it that hold good frames.
 *
 * @author Lossless Kafka team
 */
final class JournalSegment {

	static final String SUFFIX = ".journal";

	private static final Pattern NAME = Pattern.compile("\\d{20}" + Pattern.quote(SUFFIX));

	private final long base;

	private final Path file;

	private long size;

	private JournalSegment(long base, Path file) {
		this.base = base;
		this.file = file;
	}

	/**
	 * Return the segment of a directory that starts at a sequence; its file may not exist
	 * yet.
	 * @param directory the journal's directory
	 * @param base the sequence of its first entry
	 * @return the segment, empty
	 */
	static JournalSegment of(Path directory, long base) {
		return new JournalSegment(base, directory.resolve(String.format("%020d%s", base, SUFFIX)));
	}

	/**
	 * Find the segment files of a directory.
	 * @param directory the journal's directory
	 * @return the segments, by sequence, each with a size of {@code 0} until it is read
	 * @throws IOException if the directory cannot be listed
	 */
	static List<JournalSegment> find(Path directory) throws IOException {
		try (Stream<Path> files = Files.list(directory)) {
			return files.filter((file) -> NAME.matcher(file.getFileName().toString()).matches())
				.filter(Files::isRegularFile)
				.map((file) -> new JournalSegment(baseOf(file), file))
				.sorted((left, right) -> Long.compare(left.base, right.base))
				.toList();
		}
	}

	private static long baseOf(Path file) {
		String name = file.getFileName().toString();
		return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
	}

	long base() {
		return this.base;
	}

	Path file() {
		return this.file;
	}

	long size() {
		return this.size;
	}

	void size(long size) {
		this.size = size;
	}

}
