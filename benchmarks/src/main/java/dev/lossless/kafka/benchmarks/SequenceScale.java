package dev.lossless.kafka.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;

import dev.lossless.kafka.sequence.SequenceChecker;
import dev.lossless.kafka.sequence.SequenceStamp;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The sequence checker at scale: one group, {@code producers} producer ids on each of 100
 * partitions, producers interleaved within each partition (the checker's shortcut for a
 * run of one producer never applies). Time per record and retained heap, in process.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class SequenceScale {

	static final int PARTITIONS = 100;

	private static final int ROUNDS = 6;

	private SequenceScale() {
	}

	static void run(ScaleReport report, int fullProducers) {
		int smallProducers = Math.max(10, fullProducers / 10);
		// a warm-up of the JIT
		for (int i = 0; i < 3; i++) {
			measure(smallProducers);
		}
		Result small = measure(smallProducers);
		Result full = measure(fullProducers);
		String smallSize = smallProducers + " producers x " + PARTITIONS + " partitions";
		String fullSize = fullProducers + " producers x " + PARTITIONS + " partitions";
		report.perUnit("sequence checker", "CPU time per checked record (in order)", smallSize, fullSize,
				small.nanosPerRecord(), full.nanosPerRecord(), "ns");
		report.perUnit("sequence checker", "CPU time per record of a new producer (first record)", smallSize, fullSize,
				small.nanosPerFirst(), full.nanosPerFirst(), "ns");
		report.total("sequence checker", "retained heap (GC before/after)", smallSize, fullSize,
				(double) fullProducers / smallProducers, small.retainedBytes(), full.retainedBytes(), "B");
		report.note(String.format(java.util.Locale.ROOT,
				"sequence checker: %.0f B retained per (producer, partition) at full size; %d rounds of "
						+ "%,d records, each partition's records interleaving its producers",
				full.retainedBytes() / ((double) fullProducers * PARTITIONS), ROUNDS,
				(long) fullProducers * PARTITIONS));
		for (int producers : new int[] { 1, 10, 100 }) {
			persistedWindow(report, producers);
		}
	}

	/**
	 * The window persisted with each commit (issue #14): its encoded size and the CPU
	 * time to build it, for a partition read by {@code producers} producers, a commit
	 * every 500 records.
	 */
	private static void persistedWindow(ScaleReport report, int producers) {
		SequenceChecker checker = new SequenceChecker();
		TopicPartition partition = new TopicPartition("scale-topic", 0);
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		int commits = 2_000;
		int perCommit = 500;
		long offset = 0;
		long nanos = 0;
		int length = 0;
		for (int commit = 0; commit < commits; commit++) {
			for (int i = 0; i < perCommit; i++, offset++) {
				ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(partition.topic(), 0, offset, null, null);
				int producer = (int) (offset % producers);
				record.headers()
					.add(new RecordHeader(SequenceStamp.HEADER,
							SequenceStamp.toBytes(0x5ca1e000L + producer, offset / producers)));
				checker.check("scale-group", record);
			}
			long start = threads.getCurrentThreadCpuTime();
			String window = checker.committedWindow("scale-group", partition, offset, 4096);
			nanos += threads.getCurrentThreadCpuTime() - start;
			length = (window != null) ? window.length() : 0;
		}
		report.note(String.format(java.util.Locale.ROOT,
				"persisted sequence window, %d producer(s) on a partition: %d characters of offset metadata, "
						+ "%.1f us CPU to build it per commit (a commit every %d records, %,d commits)",
				producers, length, nanos / 1_000.0 / commits, perCommit, commits));
	}

	private static Result measure(int producers) {
		List<ConsumerRecord<byte[], byte[]>[]> rounds = new ArrayList<>();
		for (int round = 0; round < ROUNDS; round++) {
			rounds.add(records(producers, round));
		}
		long before = usedHeapAfterGc();
		SequenceChecker checker = new SequenceChecker();
		// CPU time of this thread: what the checker costs, whatever else the machine runs
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		long firstStart = threads.getCurrentThreadCpuTime();
		check(checker, rounds.get(0));
		long firstNanos = threads.getCurrentThreadCpuTime() - firstStart;
		long start = threads.getCurrentThreadCpuTime();
		for (int round = 1; round < ROUNDS; round++) {
			check(checker, rounds.get(round));
		}
		long nanos = threads.getCurrentThreadCpuTime() - start;
		long after = usedHeapAfterGc();
		if (checker.statistics().gaps() != 0) {
			throw new IllegalStateException("Unexpected gaps: " + checker.statistics());
		}
		Reference.reachabilityFence(checker);
		Reference.reachabilityFence(rounds);
		long perRound = (long) producers * PARTITIONS;
		return new Result((double) nanos / (perRound * (ROUNDS - 1)), (double) firstNanos / perRound, after - before);
	}

	private static void check(SequenceChecker checker, ConsumerRecord<byte[], byte[]>[] records) {
		for (ConsumerRecord<byte[], byte[]> record : records) {
			checker.check("scale-group", record);
		}
	}

	@SuppressWarnings("unchecked")
	private static ConsumerRecord<byte[], byte[]>[] records(int producers, int round) {
		ConsumerRecord<byte[], byte[]>[] records = new ConsumerRecord[producers * PARTITIONS];
		int i = 0;
		for (int partition = 0; partition < PARTITIONS; partition++) {
			for (int producer = 0; producer < producers; producer++) {
				ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("scale-topic", partition,
						(long) round * producers + producer, null, null);
				long producerId = 0x5ca1e_00000L + producer;
				record.headers().add(new RecordHeader(SequenceStamp.HEADER, SequenceStamp.toBytes(producerId, round)));
				records[i++] = record;
			}
		}
		return records;
	}

	static long usedHeapAfterGc() {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 4; i++) {
			System.gc();
			used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
		}
		return used;
	}

	private record Result(double nanosPerRecord, double nanosPerFirst, long retainedBytes) {
	}

}
