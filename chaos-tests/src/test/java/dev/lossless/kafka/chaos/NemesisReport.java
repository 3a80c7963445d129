package dev.lossless.kafka.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.lossless.kafka.chaos.NemesisTests.Check;
import org.jspecify.annotations.Nullable;

/**
 * The report of a nemesis run: the seed, the schedule with timestamps, per fault window
 * the records sent, acknowledged, failed and lost (by send time; a window runs from its
 * fault to the next one), the totals, and the starter's own counters beside the
 * checker's.
 *
 * @author Lossless Kafka team
 */
final class NemesisReport {

	private final Path file;

	private final long seed;

	private final Duration duration;

	private final Instant started = Instant.now();

	private final List<Window> windows = new ArrayList<>();

	private final List<String> notes = new ArrayList<>();

	NemesisReport(Path file, long seed, Duration duration) {
		this.file = file;
		this.seed = seed;
		this.duration = duration;
	}

	void window(long start, long healed, String faults) {
		this.windows.add(new Window(start, healed, faults));
	}

	void note(String note) {
		this.notes.add(note);
	}

	void write(Check starter, Check control, NemesisTests.@Nullable Pipeline pipeline) {
		StringBuilder report = new StringBuilder();
		report.append("# Nemesis report\n\n");
		report.append("Seed `")
			.append(this.seed)
			.append("` (replay: `-Dnemesis.seed=")
			.append(this.seed)
			.append("`), duration ")
			.append(this.duration)
			.append(", started ")
			.append(this.started)
			.append(", ")
			.append(this.windows.size())
			.append(" fault windows, ")
			.append(Runtime.getRuntime().availableProcessors())
			.append(" cores, Linux ")
			.append(System.getProperty("os.version"))
			.append(", Java ")
			.append(System.getProperty("java.version"))
			.append(".\n\n");
		this.notes.forEach((note) -> report.append("- ").append(note).append('\n'));
		report.append("\n## Totals\n\n");
		report.append("| traffic | sent | acked | failed | lost | duplicates | dlt | notes |\n");
		report.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
		report.append("| starter: 2 producers (keyed with poison pills 1 in 97, unkeyed), 3 consumers | ")
			.append(starter.sent().size())
			.append(" | ")
			.append(starter.acked().size())
			.append(" | ")
			.append(starter.failed().size())
			.append(" | ")
			.append(starter.lost().size())
			.append(" | ")
			.append(starter.duplicates())
			.append(" | ")
			.append(starter.dlt().size())
			.append(" | `lost = acked - (processed ∪ DLT)`")
			.append(first("lost ids", starter.lost()))
			.append("; failed sends delivered later: ")
			.append(starter.failed().size() - starter.failedUndelivered().size())
			.append(" of ")
			.append(starter.failed().size())
			.append(first(", never delivered", starter.failedUndelivered()))
			.append("; sends without outcome: ")
			.append(starter.unresolved().size())
			.append(" (killed producers' last sends excluded); producer exit ")
			.append(starter.producerStatus())
			.append(" |\n");
		if (pipeline != null) {
			report.append(
					"| exactly-once pipeline (starter, `lossless.kafka.exactly-once.enabled`), output read `read_committed` | ")
				.append(pipeline.expected())
				.append(" inputs | - | - | ")
				.append(pipeline.missing().size())
				.append(" | ")
				.append(pipeline.duplicates())
				.append(" | - | each acknowledged input (poison pills excepted) once in the output; ")
				.append(pipeline.distinct())
				.append(" distinct ids")
				.append(first("missing", pipeline.missing()))
				.append(" |\n");
		}
		report.append("| negative control: Spring Boot defaults, `acks=1`, starter off | ")
			.append(control.sent().size())
			.append(" | ")
			.append(control.acked().size())
			.append(" | ")
			.append(control.failed().size())
			.append(" | ")
			.append(control.lost().size())
			.append(" | - | - | `lost = acked - read-back of the topic`; must be > 0 |\n");
		report.append("\n## The starter's counters beside the checker's\n\n");
		report.append("| counter | starter | checker |\n|---|---:|---:|\n");
		long[] sequence = starter.sequence();
		report.append("| records missing (sequence check: gaps / missing; checker: lost) | ")
			.append((sequence != null) ? sequence[1] + " / " + sequence[2] : "n/a")
			.append(" | ")
			.append(starter.lost().size())
			.append(" |\n");
		report.append("| duplicates (sequence check; checker: extra processings) | ")
			.append((sequence != null) ? sequence[3] : "n/a")
			.append(" | ")
			.append(starter.duplicates())
			.append(" |\n");
		report.append("| sends failed to the application / replayed from the send journal | ")
			.append(starter.journalReplayed())
			.append(" replayed | ")
			.append(starter.failed().size())
			.append(" failed |\n");
		report.append("| send journal backlog at the end | ")
			.append(starter.journalBacklog())
			.append(" | ")
			.append(starter.failedUndelivered().size())
			.append(" never delivered |\n");
		ConsumerLogs.StarterVerdict verdict = starter.verdict();
		if (verdict != null) {
			report.append("| records missing at the end (sequence check of the running consumers: unresolved / ")
				.append("of them processed by a consumer of the group, a false alarm / by none; checker: lost) | ")
				.append(verdict.unresolved())
				.append(" / ")
				.append(verdict.processedElsewhere())
				.append(" / ")
				.append(verdict.missingEverywhere().size())
				.append((verdict.unlisted() > 0) ? " (" + verdict.unlisted() + " in unlisted ranges)" : "")
				.append(" | ")
				.append(starter.lost().size())
				.append(" |\n");
			report.append("| offsets lost (lag/loss health: the lost-offsets detection, unacknowledged) | ")
				.append(verdict.lostOffsets())
				.append(verdict.lostRanges().isEmpty() ? "" : " " + verdict.lostRanges())
				.append(" | ")
				.append(starter.lost().size())
				.append(" |\n");
			if (!verdict.missingEverywhere().isEmpty()) {
				report.append("\nMissing for the sequence check, processed by no consumer (first 20): ")
					.append(verdict.missingEverywhere().stream().limit(20).toList())
					.append('\n');
			}
			if (starter.lost().size() > 0 && !verdict.reportsLoss()) {
				report.append(
						"\n**Detection bug**: the checker saw losses the starter's detection (sequence check, lost offsets) did not.\n");
			}
		}
		report.append("\nThe negative control runs with the starter off: nothing of the starter sees its losses (no ")
			.append("sequence stamps, no starter consumer). Its losses are records the old leader acknowledged above the ")
			.append("high watermark and truncated; no consumer read them, so even a starter consumer could see them only ")
			.append("through the sequence stamps of a starter producer, never through its lost-offsets detection, which ")
			.append("watches the log start offset (retention).\n");
		report.append("\n## Schedule\n\n");
		report.append(
				"| # | fault (injected at) | held s | sent | acked | failed | lost | control acked | control lost |\n");
		report.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
		for (int i = 0; i < this.windows.size(); i++) {
			Window window = this.windows.get(i);
			long to = (i + 1 < this.windows.size()) ? this.windows.get(i + 1).start() : Long.MAX_VALUE;
			long[] counts = counts(starter, window.start(), to);
			long[] controlCounts = counts(control, window.start(), to);
			report.append("| ")
				.append(i + 1)
				.append(" | ")
				.append(window.faults().replace("|", "\\|"))
				.append(" | ")
				.append((window.healed() - window.start()) / 1000)
				.append(" | ")
				.append(counts[0])
				.append(" | ")
				.append(counts[1])
				.append(" | ")
				.append(counts[2])
				.append(" | ")
				.append(counts[3])
				.append(" | ")
				.append(controlCounts[1])
				.append(" | ")
				.append(controlCounts[3])
				.append(" |\n");
		}
		try {
			Files.createDirectories(this.file.toAbsolutePath().getParent());
			Files.writeString(this.file, report.toString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Failed to write " + this.file, ex);
		}
	}

	/**
	 * Count the records sent from {@code from} (inclusive) to {@code to}: sent, acked,
	 * failed, lost.
	 */
	private static long[] counts(Check check, long from, long to) {
		long[] counts = new long[4];
		check.sentAt().forEach((id, at) -> {
			if (at >= from && at < to) {
				counts[0]++;
				counts[1] += check.acked().contains(id) ? 1 : 0;
				counts[2] += check.failed().contains(id) ? 1 : 0;
				counts[3] += check.lost().contains(id) ? 1 : 0;
			}
		});
		return counts;
	}

	private static String first(String label, Set<Long> ids) {
		return ids.isEmpty() ? "" : "; " + label + " (first 20): " + ids.stream().sorted().limit(20).toList();
	}

	private record Window(long start, long healed, String faults) {

	}

}
