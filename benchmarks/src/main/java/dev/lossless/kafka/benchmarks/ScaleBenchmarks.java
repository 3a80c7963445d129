package dev.lossless.kafka.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;

/**
 * The scale section of issue #17, its own run ({@code -Pscale}): how the cost of the
 * sequence checker, the lag monitor, the startup audit and the topics health, the outbox
 * relay and the send journal grows with the work. Writes {@code scale-report.md} to the
 * directory given as the first argument.
 * <p>
 * {@code scale.full} scales the full sizes (1.0: 1,000 producers x 100 partitions, 50
 * groups x 1,000 partitions, 500 topics, 1 M outbox rows, 1 M journal entries);
 * {@code scale.journal} and {@code scale.outbox} scale the journal's entries and the
 * outbox rows further; {@code scale.sections} picks a subset of
 * {@code sequence,lag,topics,journal,outbox}.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class ScaleBenchmarks {

	private static ScaleReport report;

	private static Path file;

	private ScaleBenchmarks() {
	}

	public static void main(String[] args) throws Exception {
		Locale.setDefault(Locale.ROOT);
		Path outputDirectory = Path.of((args.length > 0) ? args[0] : "target");
		Files.createDirectories(outputDirectory);
		double full = Double.parseDouble(System.getProperty("scale.full", "1.0"));
		List<String> sections = List
			.of(System.getProperty("scale.sections", "sequence,lag,topics,journal,outbox").split(","));
		Instant started = Instant.now();
		report = new ScaleReport();
		file = outputDirectory.resolve("scale-report.md");
		report.facts.put("started", started.toString());
		report.facts.put("load average before (1, 5, 15 min)", MachineInfo.loadAverage());
		report.facts.put("processors (nproc)", Integer.toString(MachineInfo.processors()));
		report.facts.put("CPU", MachineInfo.cpuModel());
		report.facts.put("memory", MachineInfo.memory());
		report.facts.put("Java", MachineInfo.java());
		report.facts.put("benchmark JVM",
				String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
		// one in-JVM broker: its topics have one replica, a risk accepted here as a test
		// cluster would be (the audit still evaluates every rule)
		System.setProperty("lossless.kafka.accepted-risks", "topic.replication-factor,topic.min-insync-replicas");
		report.facts.put("full sizes scaled by", Double.toString(full));
		report.facts.put("journal entries scaled by", System.getProperty("scale.journal", "1.0"));
		report.facts.put("outbox rows scaled by", System.getProperty("scale.outbox", "1.0"));
		if (sections.contains("sequence")) {
			section("sequence", () -> SequenceScale.run(report, scaled(1000, full)));
		}
		if (sections.contains("lag") || sections.contains("topics") || sections.contains("outbox")) {
			log("Starting one in-JVM broker");
			try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.builder()
				.brokerProperty("num.partitions", "1")
				.start()) {
				if (sections.contains("lag")) {
					section("lag", () -> AdminScale.lag(cluster, report, scaled(50, full)));
				}
				if (sections.contains("topics")) {
					section("topics", () -> AdminScale.topics(cluster, report, scaled(500, full)));
				}
				if (sections.contains("outbox")) {
					// writing the pending rows takes long on a loaded machine:
					// scale.outbox
					// scales them alone
					double outbox = full * Double.parseDouble(System.getProperty("scale.outbox", "1.0"));
					section("outbox", () -> OutboxScale.run(cluster, report, scaled(1_000_000, outbox)));
				}
			}
		}
		if (sections.contains("journal")) {
			// each append is forced to disk: on a slow disk 1 M entries take long,
			// scale.journal scales them (and the recovered journal's 256 MB) alone
			double journal = full * Double.parseDouble(System.getProperty("scale.journal", "1.0"));
			section("journal", () -> JournalScale.run(report, outputDirectory, scaled(1_000_000, journal),
					Math.round(256L * 1024 * 1024 * full)));
		}
		report.facts.put("load average after (1, 5, 15 min)", MachineInfo.loadAverage());
		report.facts.put("run time", Duration.between(started, Instant.now()).toSeconds() + " s");
		Files.writeString(file, report.markdown());
		log("Wrote %s", file);
		System.out.println(Files.readString(file));
		System.exit(0);
	}

	private static void section(String name, Section section) {
		long start = System.nanoTime();
		String before = MachineInfo.loadAverage();
		log("%s: starting (load average %s)", name, before);
		try {
			section.run();
			String after = MachineInfo.loadAverage();
			log("%s: done in %.0f s (load average %s)", name, (System.nanoTime() - start) / 1e9, after);
			report.facts.put("section " + name, String.format(Locale.ROOT, "%.0f s, load average %s before, %s after",
					(System.nanoTime() - start) / 1e9, before, after));
		}
		catch (Exception ex) {
			ex.printStackTrace();
			report.note("section " + name + " FAILED: " + ex);
		}
		try {
			Files.writeString(file, report.markdown());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static int scaled(int size, double full) {
		return Math.max(10, (int) Math.round(size * full));
	}

	static void log(String format, Object... args) {
		System.out.printf("[scale %tT] %s%n", System.currentTimeMillis(), String.format(format, args));
	}

	private interface Section {

		void run() throws Exception;

	}

}
