package dev.lossless.kafka.benchmarks;

import java.util.Map;

import dev.lossless.kafka.benchmarks.PerRecordCost.ConsumerCost;
import dev.lossless.kafka.benchmarks.PerRecordCost.ProducerCost;

/**
 * Writes the per-record cost section of the report (see {@link PerRecordCost}): the
 * tables, the targets met or missed, and the machine-readable lines.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class CostReport {

	static final double PRODUCER_TARGET = 1.03;

	static final double CONSUMER_TARGET = 1.05;

	static final double STAMP_TARGET = 12;

	private CostReport() {
	}

	static void write(StringBuilder out, PerRecordCost costs, String load) {
		if (!costs.hasProducers() && !costs.hasConsumers()) {
			return;
		}
		out.append("## Per-record cost: what the client itself spends\n\n");
		out.append("CPU time per record of the threads that do the client's work, read from the JVM's per-thread "
				+ "counters (`ThreadMXBean#getThreadCpuTime`), so that the brokers and the other work on the machine "
				+ "(load average ")
			.append(load)
			.append(") barely move it. Producers: the sending thread plus the producer's network thread "
					+ "(`kafka-producer-network-thread | <client.id>`: the client's I/O, the completion callbacks, "
					+ "spring-kafka's and the starter's send-result handling); allocations of both; bytes of record "
					+ "batches per record from the client's own cumulative metrics (`byte-total` of the topic). Every "
					+ "producer is long-lived (one per application, created before the rounds), with the same "
					+ "settings (`acks=all`, idempotence, 5 in flight, `linger.ms=")
			.append(PerRecordCost.LINGER_MS)
			.append("` so that a batch leaves only when it is full or at the run's flush, whatever the timing, "
					+ "`batch.size=16384`, byte-array serializers); each run sends one value array again and again "
					+ "(`send(topic, value)`, unkeyed) and then `flush()`es, which returns once every callback has "
					+ "run. The producer cases run at once: the sending thread sends a block of ")
			.append(PerRecordCost.BLOCK)
			.append(" records with each case in turn until each sent its records, then flushes each, and the "
					+ "network threads of all the cases work at the same time, so that every case of a run meets the "
					+ "same load; the sending thread's CPU time and allocations are summed over each case's blocks, "
					+ "the network thread's are read before and after the run, and records/s is the sending "
					+ "thread's rate over the case's own blocks and flush. Warm-up rounds (")
			.append(costs.producerWarmUpRounds)
			.append(" here) until one in which the JIT compiled for less than ")
			.append(PerRecordCost.SETTLED_COMPILATION_MILLIS)
			.append(" ms (at most ")
			.append(PerRecordCost.MAX_WARM_UP_ROUNDS)
			.append("). Consumers: the consuming thread "
					+ "from the first record to the last, with `group.protocol=classic` pinned so that all the "
					+ "consumer's work is on that thread; 1 KiB records, stamped, 3 partitions, a new group and a new "
					+ "application per run; Kafka's byte-array deserializers, which the starter leaves as they are "
					+ "(they cannot fail), except in the case \"" + PerRecordCost.STARTER_RECORD_WRAPPED + "\", whose "
					+ "value deserializer is a subclass the starter wraps in `ErrorHandlingDeserializer` as it wraps "
					+ "every deserializer that can fail (JSON, Avro): the price of that wrapper; the consumer cases of a round run at once, each waiting at its first "
					+ "record until every other has its first, so that they too meet the same load; warm-up rounds (")
			.append(costs.consumerWarmUpRounds)
			.append(" here) until one in which the JIT compiled for less than ")
			.append(PerRecordCost.SETTLED_COMPILATION_MILLIS)
			.append(" ms while the consumers consumed (two fixed rounds were not enough: in a trial run the "
					+ "listeners' CPU time per record fell by half over the first eight measured rounds). ")
			.append(costs.producerRounds)
			.append(" measured producer rounds and ")
			.append(costs.consumerRounds)
			.append(" consumer rounds (after warm-up rounds): each producer round is one interleaved run of each "
					+ "record size; each consumer round runs every consumer case once, starting at the next case. "
					+ "Reported: the median and its distribution-free 95 % confidence "
					+ "interval (order statistics of the median); ratios are taken per round (cases of one round ran "
					+ "under the same load) and summarized the same way. Throughput is secondary here.\n\n");
		if (costs.hasProducers()) {
			for (Map.Entry<Integer, Integer> size : costs.producerRecords.entrySet()) {
				producerTable(out, costs, size.getKey(), size.getValue());
			}
			out.append("The send-result observation (`SendResultListener`, the `ProducerListener` behind the "
					+ "metrics and the producer health) has no switch, so it has no line of its own: its price is "
					+ "inside every starter line. The line \"" + PerRecordCost.BOOT_ONE_HEADER + "\" sends through "
					+ "Boot's template, without the starter, records that carry one header like the stamp (the "
					+ "name `^`, 7 bytes of value) made once by the application: what the Kafka client alone spends "
					+ "writing such a header, the least any per-record header stamp can cost.\n\n");
		}
		if (costs.hasConsumers()) {
			consumerTable(out, costs);
			out.append("The lines \"" + PerRecordCost.BOOT_RECORD_READING_HEADER + "\" and \""
					+ PerRecordCost.BOOT_BATCH_READING_HEADER + "\" are Boot's listeners, without the starter, "
					+ "reading the value of each record's stamp header (`lastHeader(\"^\").value()`): what the "
					+ "Kafka client alone spends handing out a header, the least any check of a header stamp can "
					+ "cost.\n\n");
		}
		targets(out, costs);
	}

	private static void producerTable(StringBuilder out, PerRecordCost costs, int size, int records) {
		out.append("### Producer, ")
			.append(sizeLabel(size))
			.append(" records (")
			.append(String.format("%,d", records))
			.append(" per run)\n\n");
		out.append("| case | client CPU ns/record (95 % CI) | x Boot `KafkaTemplate` (95 % CI) | sending thread ns "
				+ "| network thread ns | allocated B/record | batch B/record | records/s |\n");
		out.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
		for (String name : costs.producers.get(size).keySet()) {
			MedianInterval cpu = costs.producer(size, name, ProducerCost::clientCpu);
			MedianInterval ratio = costs.producerRatio(size, name, PerRecordCost.BOOT, ProducerCost::clientCpu);
			out.append(String.format(
					"| %s | %.0f (%.0f - %.0f) | %.3f (%.3f - %.3f) | %.0f | %.0f | %.0f | %.1f | %,.0f |%n", name,
					cpu.median(), cpu.low(), cpu.high(), ratio.median(), ratio.low(), ratio.high(),
					costs.producer(size, name, ProducerCost::senderCpu).median(),
					costs.producer(size, name, ProducerCost::networkCpu).median(),
					costs.producer(size, name, ProducerCost::allocated).median(),
					costs.producer(size, name, ProducerCost::wireBytes).median(),
					costs.producer(size, name, ProducerCost::recordsPerSecond).median()));
		}
		out.append("\nFeature prices (starter with every default / starter with the feature off, client CPU, paired "
				+ "per round): ");
		price(out, costs, size, "sequence stamping", PerRecordCost.STARTER_NO_SEQUENCE);
		out.append("; ");
		price(out, costs, size, "send journal", PerRecordCost.STARTER_NO_JOURNAL);
		out.append(".\n\n");
	}

	private static void price(StringBuilder out, PerRecordCost costs, int size, String feature, String without) {
		MedianInterval ratio = costs.producerRatio(size, PerRecordCost.STARTER, without, ProducerCost::clientCpu);
		out.append(String.format("%s %.3f (%.3f - %.3f)", feature, ratio.median(), ratio.low(), ratio.high()));
	}

	private static void consumerTable(StringBuilder out, PerRecordCost costs) {
		out.append("### Consumer, 1 KiB records (")
			.append(String.format("%,d", costs.consumerRecords))
			.append(" per run)\n\n");
		out.append("| case | consuming thread CPU ns/record (95 % CI) | x Boot listener of its kind (95 % CI) "
				+ "| allocated B/record | records/s |\n");
		out.append("|---|---:|---:|---:|---:|\n");
		for (String name : costs.consumers.keySet()) {
			MedianInterval cpu = costs.consumer(name, ConsumerCost::cpu);
			String baseline = baseline(name);
			String ratio = "";
			if (baseline != null) {
				MedianInterval interval = costs.consumerRatio(name, baseline);
				ratio = String.format("%.3f (%.3f - %.3f)", interval.median(), interval.low(), interval.high());
			}
			out.append(String.format("| %s | %.0f (%.0f - %.0f) | %s | %.0f | %,.0f |%n", name, cpu.median(), cpu.low(),
					cpu.high(), ratio, costs.consumer(name, ConsumerCost::allocated).median(),
					costs.consumer(name, ConsumerCost::recordsPerSecond).median()));
		}
		out.append("\n");
	}

	private static String baseline(String consumer) {
		if (consumer.startsWith("starter batch") || consumer.startsWith("Boot batch")) {
			return PerRecordCost.BOOT_BATCH;
		}
		if (consumer.startsWith("starter record") || consumer.startsWith("Boot record")) {
			return PerRecordCost.BOOT_RECORD;
		}
		return null;
	}

	private static void targets(StringBuilder out, PerRecordCost costs) {
		out.append("### Per-record targets\n\n");
		out.append("Met when the median ratio is within the target; \"clearly\" when the whole interval is on the "
				+ "same side.\n\n");
		out.append("| target | median (95 % CI) | interval width (points of the baseline's cost) | met |\n"
				+ "|---|---:|---:|---|\n");
		if (costs.hasProducers()) {
			for (int size : costs.producerRecords.keySet()) {
				target(out, "starter producer client CPU <= " + PRODUCER_TARGET + " x Boot `KafkaTemplate`, "
						+ sizeLabel(size), producerRatio(costs, size), PRODUCER_TARGET);
				target(out, "(the sending thread alone, for comparison), " + sizeLabel(size),
						costs.producerRatio(size, PerRecordCost.STARTER, PerRecordCost.BOOT, ProducerCost::senderCpu),
						PRODUCER_TARGET);
				target(out, "(the network thread alone, for comparison), " + sizeLabel(size),
						costs.producerRatio(size, PerRecordCost.STARTER, PerRecordCost.BOOT, ProducerCost::networkCpu),
						PRODUCER_TARGET);
				target(out, "(the floor of a header stamp: Boot `KafkaTemplate` sending one header of the stamp's "
						+ "size, no starter), " + sizeLabel(size), producerFloor(costs, size), PRODUCER_TARGET);
				target(out, "(the starter over that floor), " + sizeLabel(size), costs.producerRatio(size,
						PerRecordCost.STARTER, PerRecordCost.BOOT_ONE_HEADER, ProducerCost::clientCpu),
						PRODUCER_TARGET);
			}
			double stamp = stampBytes(costs);
			out.append(String.format(
					"| sequence stamp <= %.0f wire bytes per record (100 B, batch bytes with - "
							+ "without) | %.1f | | %s |%n",
					STAMP_TARGET, stamp, (stamp <= STAMP_TARGET) ? "yes" : "**no**"));
		}
		if (costs.hasConsumers()) {
			listenerTargets(out, costs, "record", PerRecordCost.STARTER_RECORD, PerRecordCost.BOOT_RECORD,
					PerRecordCost.BOOT_RECORD_READING_HEADER);
			listenerTargets(out, costs, "batch", PerRecordCost.STARTER_BATCH, PerRecordCost.BOOT_BATCH,
					PerRecordCost.BOOT_BATCH_READING_HEADER);
		}
		out.append("\n");
	}

	private static void listenerTargets(StringBuilder out, PerRecordCost costs, String kind, String starter,
			String boot, String bootReadingHeader) {
		target(out, "starter " + kind + " listener CPU <= " + CONSUMER_TARGET + " x Boot " + kind + " listener",
				costs.consumerRatio(starter, boot), CONSUMER_TARGET);
		target(out, "(the floor of a header stamp: Boot's " + kind + " listener reading the stamp header, no starter)",
				costs.consumerRatio(bootReadingHeader, boot), CONSUMER_TARGET);
		target(out, "(the starter's " + kind + " listener over that floor)",
				costs.consumerRatio(starter, bootReadingHeader), CONSUMER_TARGET);
	}

	private static void target(StringBuilder out, String name, MedianInterval ratio, double target) {
		String met;
		if (ratio.high() <= target) {
			met = "yes, clearly";
		}
		else if (ratio.median() <= target) {
			met = "yes (interval crosses the target)";
		}
		else if (ratio.low() > target) {
			met = "**no**, clearly";
		}
		else {
			met = "**no** (interval crosses the target)";
		}
		out.append(String.format("| %s | %.3f (%.3f - %.3f) | %.1f %% | %s |%n", name, ratio.median(), ratio.low(),
				ratio.high(), 100 * (ratio.high() - ratio.low()), met));
	}

	/**
	 * Append the machine-readable lines of this section.
	 * @param out the report
	 * @param costs the measured costs
	 */
	static void summary(StringBuilder out, PerRecordCost costs) {
		if (costs.hasProducers()) {
			out.append(String.format("producer_cpu_ratio_100b=%.3f%n",
					producerRatio(costs, LosslessKafkaBenchmarks.SMALL).median()));
			out.append(String.format("producer_cpu_ratio_1k=%.3f%n",
					producerRatio(costs, LosslessKafkaBenchmarks.KIB).median()));
		}
		if (costs.hasConsumers()) {
			double record = costs.consumerRatio(PerRecordCost.STARTER_RECORD, PerRecordCost.BOOT_RECORD).median();
			double batch = costs.consumerRatio(PerRecordCost.STARTER_BATCH, PerRecordCost.BOOT_BATCH).median();
			// the worse of the two listeners: the target names both
			out.append(String.format("consumer_cpu_ratio=%.3f%n", Math.max(record, batch)));
			out.append(String.format("consumer_cpu_ratio_record=%.3f%n", record));
			out.append(String.format("consumer_cpu_ratio_batch=%.3f%n", batch));
		}
		if (costs.hasProducers()) {
			out.append(String.format("stamp_bytes=%.1f%n", stampBytes(costs)));
			out.append(String.format("producer_header_floor_100b=%.3f%n",
					producerFloor(costs, LosslessKafkaBenchmarks.SMALL).median()));
			out.append(String.format("producer_header_floor_1k=%.3f%n",
					producerFloor(costs, LosslessKafkaBenchmarks.KIB).median()));
		}
		if (costs.hasConsumers()) {
			out.append(String.format("consumer_header_floor_record=%.3f%n", recordFloor(costs).median()));
			out.append(String.format("consumer_header_floor_batch=%.3f%n", batchFloor(costs).median()));
		}
	}

	private static MedianInterval producerFloor(PerRecordCost costs, int size) {
		return costs.producerRatio(size, PerRecordCost.BOOT_ONE_HEADER, PerRecordCost.BOOT, ProducerCost::clientCpu);
	}

	private static MedianInterval recordFloor(PerRecordCost costs) {
		return costs.consumerRatio(PerRecordCost.BOOT_RECORD_READING_HEADER, PerRecordCost.BOOT_RECORD);
	}

	private static MedianInterval batchFloor(PerRecordCost costs) {
		return costs.consumerRatio(PerRecordCost.BOOT_BATCH_READING_HEADER, PerRecordCost.BOOT_BATCH);
	}

	private static MedianInterval producerRatio(PerRecordCost costs, int size) {
		return costs.producerRatio(size, PerRecordCost.STARTER, PerRecordCost.BOOT, ProducerCost::clientCpu);
	}

	private static double stampBytes(PerRecordCost costs) {
		int size = LosslessKafkaBenchmarks.SMALL;
		return costs.producer(size, PerRecordCost.STARTER, ProducerCost::wireBytes).median()
				- costs.producer(size, PerRecordCost.STARTER_NO_SEQUENCE, ProducerCost::wireBytes).median();
	}

	private static String sizeLabel(int size) {
		return (size == LosslessKafkaBenchmarks.KIB) ? "1 KiB" : size + " B";
	}

}
