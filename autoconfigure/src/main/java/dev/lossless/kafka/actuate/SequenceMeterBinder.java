package dev.lossless.kafka.actuate;

import dev.lossless.kafka.sequence.SequenceChecker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Meters of the sequence checks: {@code lossless.kafka.sequence.*}.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public class SequenceMeterBinder implements MeterBinder {

	private final SequenceChecker checker;

	/**
	 * Create an instance.
	 * @param checker the sequence checker
	 */
	public SequenceMeterBinder(SequenceChecker checker) {
		this.checker = checker;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		SequenceChecker checker = this.checker;
		FunctionCounter.builder("lossless.kafka.sequence.checked", checker, (c) -> c.statistics().checked())
			.description("Received records whose sequence stamp was checked")
			.register(registry);
		FunctionCounter.builder("lossless.kafka.sequence.gaps", checker, (c) -> c.statistics().gaps())
			.description("Gaps seen: ranges of sequence numbers that did not arrive in order")
			.register(registry);
		FunctionCounter.builder("lossless.kafka.sequence.missing", checker, (c) -> c.statistics().missingRecords())
			.description("Records missing in the gaps seen")
			.register(registry);
		FunctionCounter.builder("lossless.kafka.sequence.late", checker, (c) -> c.statistics().lateRecords())
			.description("Records that arrived after their gap was seen")
			.register(registry);
		FunctionCounter.builder("lossless.kafka.sequence.duplicates", checker, (c) -> c.statistics().duplicates())
			.description("Records received twice at different offsets: written twice by their producer")
			.register(registry);
		FunctionCounter
			.builder("lossless.kafka.sequence.producers.forgotten", checker, (c) -> c.statistics().forgottenProducers())
			.description("Idle producers dropped from full windows: a gap just before their next record is not seen")
			.register(registry);
		FunctionCounter
			.builder("lossless.kafka.sequence.producers.unpersisted", checker,
					(c) -> c.windowStatistics().unpersistedProducers())
			.description("Producer windows left out of committed offsets' metadata, which reached the brokers' "
					+ "offset.metadata.max.bytes (counted at each commit)")
			.register(registry);
		FunctionCounter
			.builder("lossless.kafka.sequence.producers.restored", checker,
					(c) -> c.windowStatistics().restoredProducers())
			.description("Producer windows restored from committed offsets when partitions were assigned")
			.register(registry);
		Gauge.builder("lossless.kafka.sequence.unresolved", checker, (c) -> c.statistics().unresolvedRecords())
			.description("Records still missing from gaps that were neither filled nor acknowledged")
			.register(registry);
	}

}
