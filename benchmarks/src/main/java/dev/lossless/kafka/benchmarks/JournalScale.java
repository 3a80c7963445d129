package dev.lossless.kafka.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import dev.lossless.kafka.producer.JournalEntry;
import dev.lossless.kafka.producer.SendJournal;

import org.springframework.util.FileSystemUtils;

/**
 * The send journal at scale, through its public API only: entries appended (each forced
 * to disk, as the journal does), the journal closed and opened again (recovery), then
 * every entry replayed the way the replayer reads it ({@code peek} a batch,
 * {@code remove} up to its last entry).
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class JournalScale {

	/** About 256 B a frame: 1 M entries make a 256 MB journal. */
	private static final int VALUE_BYTES = 180;

	private static final int REPLAY_BATCH = 500;

	private static final long SEGMENT_BYTES = 16L * 1024 * 1024;

	private static final int RECOVERY_VALUE_BYTES = 16 * 1024;

	private static final int RECOVERY_FRAME_BYTES = RECOVERY_VALUE_BYTES + 80;

	private JournalScale() {
	}

	static void run(ScaleReport report, Path workDirectory, int fullEntries, long fullRecoveryBytes)
			throws IOException {
		int smallEntries = Math.max(1000, fullEntries / 10);
		Result small = measure(workDirectory, smallEntries, VALUE_BYTES);
		Result full = measure(workDirectory, fullEntries, VALUE_BYTES);
		String smallSize = String.format(Locale.ROOT, "%,d entries (%.0f MB)", smallEntries, small.megabytes());
		String fullSize = String.format(Locale.ROOT, "%,d entries (%.0f MB)", fullEntries, full.megabytes());
		double ratio = (double) fullEntries / smallEntries;
		report.perUnit("send journal", "append (forced to disk each), time per entry", smallSize, fullSize,
				1e3 / small.appendPerSecond(), 1e3 / full.appendPerSecond(), "ms");
		report.total("send journal", "recovery (open of the journal left full)", smallSize, fullSize, ratio,
				small.recoveryMillis(), full.recoveryMillis(), "ms");
		report.perUnit("send journal", "replay (peek " + REPLAY_BATCH + ", remove), time per entry", smallSize,
				fullSize, 1e6 / small.replayPerSecond(), 1e6 / full.replayPerSecond(), "us");
		// the recovery of a journal of a given size, with entries large enough to write
		// it
		// in a few minutes despite a forced write per entry
		int recoveryEntries = (int) Math.max(100, fullRecoveryBytes / RECOVERY_FRAME_BYTES);
		Result smallRecovery = measure(workDirectory, recoveryEntries / 10, RECOVERY_VALUE_BYTES);
		Result fullRecovery = measure(workDirectory, recoveryEntries, RECOVERY_VALUE_BYTES);
		report.total("send journal", "recovery (open), entries of " + RECOVERY_VALUE_BYTES / 1024 + " KiB",
				String.format(Locale.ROOT, "%.0f MB", smallRecovery.megabytes()),
				String.format(Locale.ROOT, "%.0f MB", fullRecovery.megabytes()), 10, smallRecovery.recoveryMillis(),
				fullRecovery.recoveryMillis(), "ms");
		report.note(String.format(Locale.ROOT,
				"send journal: entries of %d B values (about 256 B a frame). At %,d entries: append %,.0f "
						+ "entries/s (%.2f MB/s), each forced to disk; replay %,.0f entries/s (%.1f MB/s); recovery "
						+ "%,.0f ms. At %,d entries: append %,.0f entries/s, replay %,.0f entries/s. A %.0f MB "
						+ "journal (%,d entries of %d KiB) recovers in %,.0f ms, replays at %.1f MB/s",
				VALUE_BYTES, fullEntries, full.appendPerSecond(),
				full.appendPerSecond() * full.megabytes() / fullEntries, full.replayPerSecond(),
				full.replayPerSecond() * full.megabytes() / fullEntries, full.recoveryMillis(), smallEntries,
				small.appendPerSecond(), small.replayPerSecond(), fullRecovery.megabytes(), recoveryEntries,
				RECOVERY_VALUE_BYTES / 1024, fullRecovery.recoveryMillis(),
				fullRecovery.replayPerSecond() * fullRecovery.megabytes() / recoveryEntries));
	}

	private static Result measure(Path workDirectory, int entries, int valueBytes) throws IOException {
		ScaleBenchmarks.log("journal: %,d entries of %d B", entries, valueBytes);
		Path directory = Files.createTempDirectory(workDirectory, "scale-journal-");
		try {
			byte[] value = new byte[valueBytes];
			long maxBytes = 2L * entries * (valueBytes + 100) + 2 * SEGMENT_BYTES;
			long start = System.nanoTime();
			try (SendJournal journal = SendJournal.open(directory, maxBytes, SEGMENT_BYTES)) {
				for (int i = 0; i < entries; i++) {
					journal.append(new JournalEntry("scale-journal", i % 12, ("key-" + (i % 1000)).getBytes(), value,
							List.of(), Instant.now(), "scale benchmark"));
				}
			}
			double appendPerSecond = entries * 1e9 / (System.nanoTime() - start);
			double megabytes = sizeOf(directory) / (1024.0 * 1024.0);
			long recoveryStart = System.nanoTime();
			try (SendJournal journal = SendJournal.open(directory, maxBytes, SEGMENT_BYTES)) {
				double recoveryMillis = (System.nanoTime() - recoveryStart) / 1e6;
				if (journal.statistics().backlogEntries() != entries) {
					throw new IllegalStateException(
							"Recovered " + journal.statistics().backlogEntries() + " of " + entries + " entries");
				}
				long replayed = 0;
				long replayStart = System.nanoTime();
				List<JournalEntry.Stored> batch = journal.peek(REPLAY_BATCH);
				while (!batch.isEmpty()) {
					replayed += batch.size();
					journal.remove(batch.get(batch.size() - 1).sequence());
					batch = journal.peek(REPLAY_BATCH);
				}
				double replayPerSecond = replayed * 1e9 / (System.nanoTime() - replayStart);
				if (replayed != entries) {
					throw new IllegalStateException("Replayed " + replayed + " of " + entries + " entries");
				}
				return new Result(appendPerSecond, megabytes, recoveryMillis, replayPerSecond);
			}
		}
		finally {
			FileSystemUtils.deleteRecursively(directory);
		}
	}

	private static long sizeOf(Path directory) throws IOException {
		try (var files = Files.walk(directory)) {
			return files.filter(Files::isRegularFile).mapToLong((file) -> file.toFile().length()).sum();
		}
	}

	private record Result(double appendPerSecond, double megabytes, double recoveryMillis, double replayPerSecond) {
	}

}
