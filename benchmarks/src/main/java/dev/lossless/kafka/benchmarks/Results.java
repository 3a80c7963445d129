package dev.lossless.kafka.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.lossless.kafka.benchmarks.Profiler.Profile;

/**
 * Everything one benchmark run measured, for the report and the chart.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
final class Results {

	static final String PERF_TOOL = "ProducerPerformance";

	static final String RAW_PRODUCER = "raw KafkaProducer";

	static final String STARTER_PRODUCER = "starter KafkaTemplate";

	static final String STARTER_PRODUCER_NO_SEQUENCE = "starter KafkaTemplate, sequence off";

	static final String BOOT_PRODUCER = "Boot KafkaTemplate, starter off";

	static final String BOOT_RECORD_LISTENER = "Boot record listener, starter off";

	static final String RAW_CONSUMER = "raw poll/commitSync loop";

	static final String RECORD_LISTENER = "starter record listener";

	static final String BATCH_LISTENER = "starter batch listener";

	static final String RECORD_LISTENER_NO_SEQUENCE = "starter record listener, sequence off";

	static final String BATCH_LISTENER_NO_SEQUENCE = "starter batch listener, sequence off";

	/** Per record size, per producer case. */
	final Map<Integer, Map<String, Samples>> producers = new LinkedHashMap<>();

	/** Per consumer case. */
	final Map<String, Samples> consumers = new LinkedHashMap<>();

	/** Per durability setting. */
	final Map<String, Samples> durability = new LinkedHashMap<>();

	/** Per outbox relay case. */
	final Map<String, Samples> outbox = new LinkedHashMap<>();

	final List<Profile> profiles = new ArrayList<>();

	/** Per record size, per producer case: allocations and wire figures per record. */
	final Map<Integer, Map<String, Footprint.Cases>> footprints = new LinkedHashMap<>();

	/**
	 * Per consumer case: bytes allocated per record on the consuming thread, per round.
	 */
	final Map<String, List<Double>> consumerFootprint = new LinkedHashMap<>();

	final Map<Integer, Integer> footprintRecords = new LinkedHashMap<>();

	int footprintConsumerRecords;

	final Map<String, String> starterProducerSettings = new LinkedHashMap<>();

	final Map<String, String> facts = new LinkedHashMap<>();

	int rounds;

	int consumerRecords;

	int durabilityRecords;

	int outboxRecords;

	final Map<Integer, Integer> producerRecords = new LinkedHashMap<>();

	/** What the client spends per record (CPU, allocations, wire bytes). */
	final PerRecordCost costs = new PerRecordCost();

	Samples producer(int recordSize, String name) {
		return this.producers.computeIfAbsent(recordSize, (size) -> new LinkedHashMap<>())
			.computeIfAbsent(name, Samples::new);
	}

	Footprint.Cases footprint(int recordSize, String name) {
		return this.footprints.computeIfAbsent(recordSize, (size) -> new LinkedHashMap<>())
			.computeIfAbsent(name, Footprint.Cases::new);
	}

	Samples consumer(String name) {
		return this.consumers.computeIfAbsent(name, Samples::new);
	}

	Samples durability(String name) {
		return this.durability.computeIfAbsent(name, Samples::new);
	}

	Samples outbox(String name) {
		return this.outbox.computeIfAbsent(name, Samples::new);
	}

	double producerRatio(int recordSize) {
		return ratio(producer(recordSize, STARTER_PRODUCER), producer(recordSize, RAW_PRODUCER));
	}

	double consumerRatio(String listener) {
		return ratio(consumer(listener), consumer(RAW_CONSUMER));
	}

	/**
	 * Return the throughput lost to sequence stamping when sending 1 KiB records:
	 * {@code 1 - starter / starter with sequence off}.
	 * @param recordSize the record size
	 * @return the fraction of throughput lost
	 */
	double stampingOverhead(int recordSize) {
		return 1 - ratio(producer(recordSize, STARTER_PRODUCER), producer(recordSize, STARTER_PRODUCER_NO_SEQUENCE));
	}

	double gapDetectionOverhead(String listener, String listenerWithoutSequence) {
		return 1 - ratio(consumer(listener), consumer(listenerWithoutSequence));
	}

	static double ratio(Samples numerator, Samples denominator) {
		return numerator.median(Run::recordsPerSecond) / denominator.median(Run::recordsPerSecond);
	}

}
