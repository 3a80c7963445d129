package dev.lossless.kafka.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The report of a run of the fault suite: one row per scenario, written again after each
 * scenario so that a failing scenario still leaves the rows before it and its own.
 *
 * @author Lossless Kafka team
 */
final class ChaosReport {

	private final Path file;

	private final String mode;

	private final String started = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);

	private final List<Row> rows = new ArrayList<>();

	ChaosReport(Path file, String mode) {
		this.file = file;
		this.mode = mode;
	}

	synchronized void add(Row row) {
		this.rows.add(row);
		write();
	}

	private void write() {
		StringBuilder report = new StringBuilder();
		report.append("# Fault suite report\n\n");
		report.append("Mode `").append(this.mode).append("`, started ").append(this.started).append(" on ");
		report.append(System.getProperty("os.name"))
			.append(' ')
			.append(System.getProperty("os.version"))
			.append(' ')
			.append(System.getProperty("os.arch"))
			.append(", ")
			.append(Runtime.getRuntime().availableProcessors())
			.append(" cores, ")
			.append(ManagementFactory.getOperatingSystemMXBean().getName())
			.append(", Java ")
			.append(System.getProperty("java.version"))
			.append(".\n\n");
		report.append("`lost` is `acked - consumed`, computed from the id sets; `consumed` is every id a consumer "
				+ "application processed or found in the dead-letter topic; `duplicates` counts extra processings "
				+ "of an id.\n\n");
		report.append(
				"| scenario | produced | acked | failed | consumed | lost | duplicates | dlt | seconds | notes |\n");
		report.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
		for (Row row : this.rows) {
			report.append("| ")
				.append(row.scenario())
				.append(" | ")
				.append(row.produced())
				.append(" | ")
				.append(row.acked())
				.append(" | ")
				.append(row.failed())
				.append(" | ")
				.append(row.consumed())
				.append(" | ")
				.append(row.lost())
				.append(" | ")
				.append(row.duplicates())
				.append(" | ")
				.append(row.dlt())
				.append(" | ")
				.append(row.seconds())
				.append(" | ")
				.append(row.notes().replace("|", "\\|").replace("\n", " "))
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

	record Row(String scenario, int produced, int acked, int failed, int consumed, int lost, long duplicates, int dlt,
			long seconds, String notes) {

	}

}
