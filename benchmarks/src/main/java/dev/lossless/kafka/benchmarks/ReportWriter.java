package dev.lossless.kafka.benchmarks;

import java.util.List;
import java.util.Map;

import dev.lossless.kafka.benchmarks.Profiler.Profile;

/**
 * Writes the Markdown report of a benchmark run.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
final class ReportWriter {

	static final double PRODUCER_TARGET = 0.95;

	static final double CONSUMER_TARGET = 0.90;

	static final double OVERHEAD_TARGET = 0.03;

	static final int FOOTPRINT_ROUNDS = 3;

	private static final List<String> SHOWN_SETTINGS = List.of("acks", "enable.idempotence",
			"max.in.flight.requests.per.connection", "retries", "linger.ms", "batch.size", "delivery.timeout.ms",
			"key.serializer", "value.serializer");

	private ReportWriter() {
	}

	static String write(Results results, String chartFile) {
		StringBuilder out = new StringBuilder();
		out.append("# Lossless Kafka benchmarks\n\n");
		out.append("Issue #6: what `acks=all` plus idempotence costs, and what the starter adds on top of the Kafka "
				+ "client. Every number below comes from one run of `./mvnw -B -pl benchmarks -am verify -Pbench`: "
				+ "one JVM, one real three-broker cluster.\n\n");
		CostReport.write(out, results.costs, results.facts.get("load average before (1, 5, 15 min)") + " before, "
				+ results.facts.get("load average after (1, 5, 15 min)") + " after the suite");
		out.append("![Throughput and latency per case](").append(chartFile).append(")\n\n");
		machine(out, results);
		// sections that did not run (bench.sections) are left out
		if (!results.producers.isEmpty() || !results.consumers.isEmpty()) {
			method(out, results);
		}
		if (!results.producers.isEmpty()) {
			producers(out, results);
		}
		if (!results.consumers.isEmpty()) {
			consumers(out, results);
		}
		if (!results.durability.isEmpty()) {
			durability(out, results);
		}
		if (!results.outbox.isEmpty()) {
			outbox(out, results);
		}
		if (!results.footprints.isEmpty() || !results.consumerFootprint.isEmpty()) {
			footprint(out, results);
		}
		if (!results.producers.isEmpty() && !results.consumers.isEmpty()) {
			targets(out, results);
		}
		if (!results.profiles.isEmpty()) {
			profiles(out, results);
		}
		out.append("## Machine-readable summary (medians; ratios for 1 KiB records)\n\n");
		out.append("```\n");
		CostReport.summary(out, results.costs);
		if (!results.producers.isEmpty()) {
			out.append(String.format("producer_ratio=%.3f%n", results.producerRatio(LosslessKafkaBenchmarks.KIB)));
		}
		if (!results.consumers.isEmpty()) {
			out.append(String.format("consumer_ratio=%.3f%n", results.consumerRatio(Results.RECORD_LISTENER)));
		}
		if (!results.producers.isEmpty()) {
			out.append(
					String.format("stamping_overhead=%.3f%n", results.stampingOverhead(LosslessKafkaBenchmarks.KIB)));
		}
		Map<String, Footprint.Cases> small = results.footprints.get(LosslessKafkaBenchmarks.SMALL);
		if (small != null && small.containsKey(Results.STARTER_PRODUCER)
				&& small.containsKey(Results.STARTER_PRODUCER_NO_SEQUENCE)) {
			Footprint.Cases on = small.get(Results.STARTER_PRODUCER);
			Footprint.Cases off = small.get(Results.STARTER_PRODUCER_NO_SEQUENCE);
			out.append(String.format("stamp_wire_bytes_per_record_100b=%.1f%n",
					on.median(Footprint.ProducerFootprint::batchBytes)
							- off.median(Footprint.ProducerFootprint::batchBytes)));
			out.append(String.format("stamp_allocated_bytes_per_record_100b=%.0f%n",
					on.median(Footprint.ProducerFootprint::senderBytes)
							- off.median(Footprint.ProducerFootprint::senderBytes)));
		}
		out.append("```\n");
		return out.toString();
	}

	private static void machine(StringBuilder out, Results results) {
		out.append("## Machine\n\n");
		out.append("The three brokers (separate JVMs) and the benchmark clients share one machine and its cores, "
				+ "and other work ran on it at the same time (see the load averages): absolute numbers are low and "
				+ "noisy; the ratios between cases measured in the same rounds are what this report is for.\n\n");
		out.append("| | |\n|---|---|\n");
		results.facts.forEach((key, value) -> out.append("| ").append(key).append(" | ").append(value).append(" |\n"));
		out.append("\n");
	}

	private static void method(StringBuilder out, Results results) {
		out.append("## Method\n\n");
		out.append("- Cluster: `KafkaProcessCluster`, 3 combined broker/controller processes, every topic RF 3 with "
				+ "`min.insync.replicas=2`, full JIT in the brokers (`-XX:TieredStopAtLevel=4`).\n");
		out.append("- Each case runs twice to warm up (not reported; the brokers are fresh JVMs too; the durability "
				+ "cases run last, on warm JVMs, without), then ")
			.append(results.rounds)
			.append(" measured rounds. Rounds are interleaved (every case once per round, each round starting at "
					+ "the next case), so a change of load hits all cases alike. Reported: the median of the rounds "
					+ "and the spread `(max - min) / median` of throughput.\n");
		out.append("- Producers send unkeyed records of random upper-case bytes from one thread, as fast as the "
				+ "client takes them (`ProducerPerformance --throughput -1`); throughput runs from the first send to "
				+ "the last acknowledgement, latency is each record's send to its acknowledgement (so it includes "
				+ "the time a record waits in the client's buffer: unthrottled latency, not latency at a fixed rate). "
				+ "Records per run: ");
		results.producerRecords
			.forEach((size, records) -> out.append(String.format("%,d of %s; ", records, sizeLabel(size))));
		out.append("\n");
		out.append("- `ProducerPerformance` (kafka-tools 4.2.1) is called in-process (its `main`, output captured "
				+ "and parsed): the same warm JIT, heap and process as the other cases; a child JVM per run would "
				+ "measure a cold, half-speed client each time. Its latency percentiles are whole milliseconds and "
				+ "sampled; ours record every record.\n");
		out.append("- Identical producer settings for the three producers: `acks=all`, `enable.idempotence=true`, "
				+ "`max.in.flight.requests.per.connection=5`, `linger.ms=5`, `batch.size=16384`, byte-array "
				+ "serializers. The starter's application is a Spring Boot application with the starter and every "
				+ "default on (send-result observation, sequence stamping, the send journal, Micrometer metrics, "
				+ "health, the startup audit); it sends with `KafkaTemplate.send(topic, value)` and its future. "
				+ "\"Boot KafkaTemplate, starter off\" is the same application with `lossless.kafka.enabled=false`: "
				+ "Spring Boot's and spring-kafka's own cost (the client's defaults are already `acks=all`, "
				+ "idempotence and 5 in flight). The starter's "
				+ "producer factory's settings after the starter's customizers:\n\n");
		out.append("  | setting | starter's producer factory |\n  |---|---|\n");
		for (String key : SHOWN_SETTINGS) {
			String value = results.starterProducerSettings.get(key);
			out.append("  | `")
				.append(key)
				.append("` | ")
				.append((value != null) ? "`" + value + "`" : "not set (client default)")
				.append(" |\n");
		}
		out.append("\n");
		out.append("- Consumers read one topic of ")
			.append(results.consumerRecords)
			.append(" records of 1 KiB (3 partitions, written through the starter, so every record carries a "
					+ "sequence stamp) from the start, each run in a new consumer group, one consumer thread. "
					+ "Throughput runs from the first record received to the last record processed (joining the group "
					+ "is not counted). The raw loop: `poll`, count each record and its bytes, `commitSync()` after "
					+ "each poll, with the settings the starter enforces (`enable.auto.commit=false`, "
					+ "`isolation.level=read_committed`). The starter's listeners do the same counting in a "
					+ "`@KafkaListener` (`ConsumerRecord` or `List<ConsumerRecord>`), in a new application per run "
					+ "(startup not counted), with the starter's error handler and dead-letter recoverer, gap "
					+ "detection, the byte-array deserializers left unwrapped (they cannot fail) and synchronous "
					+ "commits after each poll (`AckMode.BATCH`). "
					+ "\"Boot record listener, starter off\" is the same listener with `lossless.kafka.enabled=false` "
					+ "(and `auto.offset.reset=earliest`; otherwise Boot's defaults: spring-kafka's `DefaultErrorHandler` without a recoverer, no deserializer "
					+ "wrapper, `isolation.level=read_uncommitted`).\n\n");
	}

	private static void producers(StringBuilder out, Results results) {
		out.append("## 1. Producer: throughput and latency\n\n");
		for (Map.Entry<Integer, Map<String, Samples>> bySize : results.producers.entrySet()) {
			int size = bySize.getKey();
			Samples raw = bySize.getValue().get(Results.RAW_PRODUCER);
			out.append("### ").append(sizeLabel(size)).append(" records\n\n");
			out.append("| case | records/s (median) | spread | MB/s | latency p50 / p99 / p99.9 (ms) | vs raw |\n");
			out.append("|---|---:|---:|---:|---:|---:|\n");
			for (Samples samples : bySize.getValue().values()) {
				out.append("| ")
					.append(samples.name())
					.append(" | ")
					.append(count(samples.median(Run::recordsPerSecond)))
					.append(" | ")
					.append(percent(samples.spread(Run::recordsPerSecond)))
					.append(" | ")
					.append(String.format("%.2f", samples.median(Run::megabytesPerSecond)))
					.append(" | ")
					.append(String.format("%s / %s / %s", millis(samples.median(Run::p50)),
							millis(samples.median(Run::p99)), millis(samples.median(Run::p999))))
					.append(" | ")
					.append(String.format("%.3f", Results.ratio(samples, raw)))
					.append(" |\n");
			}
			out.append("\nPer round (records/s): ");
			bySize.getValue()
				.values()
				.forEach((samples) -> out.append(samples.name()).append(" ").append(rounds(samples)).append("; "));
			out.append("\n\n");
		}
		for (int size : results.producers.keySet()) {
			Map<String, Samples> cases = results.producers.get(size);
			out.append(String.format(
					"**%s: starter / raw = %.3f** (median records/s), of which Spring Boot's `KafkaTemplate` without "
							+ "the starter / raw = %.3f and starter / Boot without the starter = %.3f; sequence off / "
							+ "on = %.3f.%n%n",
					sizeLabel(size), results.producerRatio(size),
					Results.ratio(cases.get(Results.BOOT_PRODUCER), cases.get(Results.RAW_PRODUCER)),
					Results.ratio(cases.get(Results.STARTER_PRODUCER), cases.get(Results.BOOT_PRODUCER)), Results
						.ratio(cases.get(Results.STARTER_PRODUCER_NO_SEQUENCE), cases.get(Results.STARTER_PRODUCER))));
		}
	}

	private static void consumers(StringBuilder out, Results results) {
		out.append("## 2. Consumer throughput (1 KiB records)\n\n");
		Samples raw = results.consumer(Results.RAW_CONSUMER);
		out.append("| case | records/s (median) | spread | MB/s | vs raw | per round (records/s) |\n");
		out.append("|---|---:|---:|---:|---:|---|\n");
		for (Samples samples : results.consumers.values()) {
			out.append("| ")
				.append(samples.name())
				.append(" | ")
				.append(count(samples.median(Run::recordsPerSecond)))
				.append(" | ")
				.append(percent(samples.spread(Run::recordsPerSecond)))
				.append(" | ")
				.append(String.format("%.2f", samples.median(Run::megabytesPerSecond)))
				.append(" | ")
				.append(String.format("%.3f", Results.ratio(samples, raw)))
				.append(" | ")
				.append(rounds(samples))
				.append(" |\n");
		}
		out.append(String
			.format("%n**starter / raw** (median records/s): record listener %.3f, batch listener %.3f. Spring Boot's "
					+ "record listener without the starter / raw = %.3f; starter record listener / Boot without the "
					+ "starter = %.3f.%n%n", results.consumerRatio(Results.RECORD_LISTENER),
					results.consumerRatio(Results.BATCH_LISTENER), results.consumerRatio(Results.BOOT_RECORD_LISTENER),
					Results.ratio(results.consumer(Results.RECORD_LISTENER),
							results.consumer(Results.BOOT_RECORD_LISTENER))));
	}

	private static void durability(StringBuilder out, Results results) {
		if (results.durability.isEmpty()) {
			return;
		}
		out.append("## 3. The price of durability (raw KafkaProducer, 1 KiB records)\n\n");
		out.append("One setting changed at a time from the hardened baseline (first row); ")
			.append(results.durabilityRecords)
			.append(" records per run, ")
			.append(results.rounds)
			.append(" interleaved rounds. `acks=1` needs idempotence off (the client refuses `acks=1` with "
					+ "idempotence on).\n\n");
		out.append(
				"| settings | records/s (median) | spread | MB/s | latency p50 / p99 / p99.9 (ms) | vs baseline |\n");
		out.append("|---|---:|---:|---:|---:|---:|\n");
		Samples baseline = results.durability.values().iterator().next();
		for (Samples samples : results.durability.values()) {
			out.append("| `")
				.append(samples.name())
				.append("` | ")
				.append(count(samples.median(Run::recordsPerSecond)))
				.append(" | ")
				.append(percent(samples.spread(Run::recordsPerSecond)))
				.append(" | ")
				.append(String.format("%.2f", samples.median(Run::megabytesPerSecond)))
				.append(" | ")
				.append(String.format("%s / %s / %s", millis(samples.median(Run::p50)),
						millis(samples.median(Run::p99)), millis(samples.median(Run::p999))))
				.append(" | ")
				.append(String.format("%.3f", Results.ratio(samples, baseline)))
				.append(" |\n");
		}
		out.append("\n");
	}

	private static void outbox(StringBuilder out, Results results) {
		out.append("## 4. Outbox relay throughput (embedded PostgreSQL 17)\n\n");
		if (results.outbox.isEmpty()) {
			out.append("Not measured in this run (`bench.sections` without `outbox`).\n\n");
			return;
		}
		out.append("Each run writes ")
			.append(results.outboxRecords)
			.append(" rows of 1 KiB (100 keys) to the outbox table in transactions of 100 rows while the relay is "
					+ "stopped, then starts the relay and times it until every row is acknowledged by the brokers "
					+ "and marked sent (rows/s). PostgreSQL runs on the same machine (`PostgresServer`, fsync on); "
					+ "the topic has 3 partitions, RF 3.\n\n");
		out.append("| relay | rows/s (median) | spread | MB/s |\n");
		out.append("|---|---:|---:|---:|\n");
		for (Samples samples : results.outbox.values()) {
			out.append("| `")
				.append(samples.name())
				.append("` | ")
				.append(count(samples.median(Run::recordsPerSecond)))
				.append(" | ")
				.append(percent(samples.spread(Run::recordsPerSecond)))
				.append(" | ")
				.append(String.format("%.2f", samples.median(Run::megabytesPerSecond)))
				.append(" |\n");
		}
		out.append("\n");
	}

	private static void footprint(StringBuilder out, Results results) {
		if (results.footprints.isEmpty()) {
			return;
		}
		out.append("## 5. What one record costs: allocations and bytes on the wire\n\n");
		out.append("Figures that do not depend on a quiet machine. Allocations: the JVM's per-thread counters "
				+ "(`com.sun.management.ThreadMXBean#getThreadAllocatedBytes`) of the sending thread and of the "
				+ "producer's network thread (the client's own work and the completion callbacks), divided by the "
				+ "records. Wire: the client's metrics, each run on a new producer (`byte-total` of the topic, "
				+ "`outgoing-byte-total`, `batch-size-avg`, `records-per-request-avg`). The loop sends one value "
				+ "array again and again and then calls `flush()`, so it allocates nothing but what the client, "
				+ "Spring and the starter do. Medians of ")
			.append(FOOTPRINT_ROUNDS)
			.append(" rounds after 2 warm-up rounds; records per run: ");
		results.footprintRecords.forEach((size, records) -> out.append(count(records))
			.append(" of ")
			.append(sizeLabel(size))
			.append((size.equals(LosslessKafkaBenchmarks.KIB)) ? ".\n\n" : ", "));
		for (Map.Entry<Integer, Map<String, Footprint.Cases>> bySize : results.footprints.entrySet()) {
			out.append("### ").append(sizeLabel(bySize.getKey())).append(" records\n\n");
			out.append("| case | allocated by the sender, B/record | by the network thread, B/record | "
					+ "batch bytes/record | sent bytes/record | batches | avg batch size (B) | records/request |\n");
			out.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
			for (Footprint.Cases cases : bySize.getValue().values()) {
				out.append("| ")
					.append(cases.name())
					.append(String.format(" | %.0f | %.0f | %.1f | %.1f | %.0f | %.0f | %.1f |%n",
							cases.median(Footprint.ProducerFootprint::senderBytes),
							cases.median(Footprint.ProducerFootprint::networkBytes),
							cases.median(Footprint.ProducerFootprint::batchBytes),
							cases.median(Footprint.ProducerFootprint::outgoingBytes),
							cases.median(Footprint.ProducerFootprint::batches),
							cases.median(Footprint.ProducerFootprint::batchSize),
							cases.median(Footprint.ProducerFootprint::recordsPerRequest)));
			}
			out.append("\n");
		}
		if (!results.consumerFootprint.isEmpty()) {
			out.append("Consumers (")
				.append(results.footprintConsumerRecords)
				.append(" records of 1 KiB, stamped): bytes the consuming thread allocated per record, from the "
						+ "first record to the last (polls, fetch parsing, deserialization, the container, the "
						+ "listener), median of ")
				.append(FOOTPRINT_ROUNDS)
				.append(" rounds after a warm-up round.\n\n");
			out.append("| case | allocated by the consuming thread, B/record |\n|---|---:|\n");
			results.consumerFootprint.forEach((name,
					values) -> out.append("| ").append(name).append(String.format(" | %.0f |%n", median(values))));
			out.append("\n");
		}
	}

	private static double median(List<Double> values) {
		List<Double> sorted = values.stream().sorted().toList();
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
	}

	private static void targets(StringBuilder out, Results results) {
		int kib = LosslessKafkaBenchmarks.KIB;
		out.append("## Targets\n\n");
		out.append("| target | measured (medians) | met |\n|---|---:|---|\n");
		target(out, "starter producer >= 0.95 x raw client, 1 KiB", results.producerRatio(kib), PRODUCER_TARGET, true);
		target(out, "starter producer >= 0.95 x raw client, 100 B",
				results.producerRatio(LosslessKafkaBenchmarks.SMALL), PRODUCER_TARGET, true);
		target(out, "starter record listener >= 0.90 x raw poll loop", results.consumerRatio(Results.RECORD_LISTENER),
				CONSUMER_TARGET, true);
		target(out, "starter batch listener >= 0.90 x raw poll loop", results.consumerRatio(Results.BATCH_LISTENER),
				CONSUMER_TARGET, true);
		target(out, "sequence stamping overhead <= 3 %, producer 1 KiB (1 - on / off)", results.stampingOverhead(kib),
				OVERHEAD_TARGET, false);
		target(out, "sequence stamping overhead <= 3 %, producer 100 B (1 - on / off)",
				results.stampingOverhead(LosslessKafkaBenchmarks.SMALL), OVERHEAD_TARGET, false);
		target(out, "gap detection overhead <= 3 %, record listener (1 - on / off)",
				results.gapDetectionOverhead(Results.RECORD_LISTENER, Results.RECORD_LISTENER_NO_SEQUENCE),
				OVERHEAD_TARGET, false);
		target(out, "gap detection overhead <= 3 %, batch listener (1 - on / off)",
				results.gapDetectionOverhead(Results.BATCH_LISTENER, Results.BATCH_LISTENER_NO_SEQUENCE),
				OVERHEAD_TARGET, false);
		out.append("\nA negative overhead means the case with the sequence on was the faster one: the difference is "
				+ "within the noise of the run (see the spreads).\n\n");
	}

	private static void target(StringBuilder out, String name, double measured, double target, boolean atLeast) {
		boolean met = atLeast ? measured >= target : measured <= target;
		out.append("| ")
			.append(name)
			.append(" | ")
			.append(String.format("%.3f", measured))
			.append(" | ")
			.append(met ? "yes" : "**no**")
			.append(" |\n");
	}

	private static void profiles(StringBuilder out, Results results) {
		out.append("## Profiles\n\n");
		out.append("One extra run of each case below under Java Flight Recorder (`jdk.jfr` API, `profile` settings: "
				+ "a stack sample of each running Java thread every 10 ms; recordings in `target/*.jfr`). Inclusive: "
				+ "samples with a frame of that package anywhere in the stack. Self: the method on top.\n\n");
		for (Profile profile : results.profiles) {
			out.append("### ").append(profile.name()).append(" (").append(profile.samples()).append(" samples)\n\n");
			out.append("- busiest threads: ");
			profile.threads()
				.forEach((entry) -> out.append("`")
					.append(entry.getKey())
					.append("` ")
					.append(percent(profile.share(entry.getValue())))
					.append(", "));
			out.append("\n- inclusive: ");
			profile.inclusive()
				.forEach((prefix, count) -> out.append("`")
					.append(prefix)
					.append("*` ")
					.append(percent(profile.share(count)))
					.append(", "));
			out.append("\n- top of stack: ");
			profile.topMethods()
				.forEach((entry) -> out.append("`")
					.append(entry.getKey())
					.append("` ")
					.append(percent(profile.share(entry.getValue())))
					.append(", "));
			if (!profile.starterMethods().isEmpty()) {
				out.append("\n- the starter's innermost frames: ");
				profile.starterMethods()
					.forEach((entry) -> out.append("`")
						.append(entry.getKey())
						.append("` ")
						.append(percent(profile.share(entry.getValue())))
						.append(", "));
			}
			out.append("\n\n");
		}
	}

	private static String rounds(Samples samples) {
		StringBuilder rounds = new StringBuilder();
		for (Run run : samples.runs()) {
			rounds.append((rounds.length() > 0) ? ", " : "").append(count(run.recordsPerSecond()));
		}
		return rounds.toString();
	}

	private static String sizeLabel(int size) {
		return (size == LosslessKafkaBenchmarks.KIB) ? "1 KiB" : size + " B";
	}

	private static String count(double value) {
		return String.format("%,.0f", value);
	}

	private static String percent(double fraction) {
		return String.format("%.1f %%", fraction * 100);
	}

	private static String millis(double value) {
		return Double.isNaN(value) ? "-" : String.format("%.1f", value);
	}

}
