package dev.lossless.kafka.actuate;

import dev.lossless.kafka.sequence.SequenceChecker;
import dev.lossless.kafka.sequence.SequenceChecker.SequenceStatistics;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the sequence checks: {@code DOWN} while records are missing from a gap that
 * neither arrived late nor was acknowledged, naming the producer, topic, partition and
 * sequence numbers; {@code UP} otherwise. Either way the counts and the last gaps seen
 * are shown.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public class SequenceHealthIndicator extends AbstractHealthIndicator {

	private final SequenceChecker checker;

	/**
	 * Create an instance.
	 * @param checker the sequence checker
	 */
	public SequenceHealthIndicator(SequenceChecker checker) {
		super("Kafka sequence health check failed");
		this.checker = checker;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		SequenceStatistics statistics = this.checker.statistics();
		if (statistics.unresolvedRecords() > 0) {
			builder.down()
				.withDetail("reason",
						statistics.unresolvedRecords()
								+ " record(s) missing from sequence gaps; they were never written or were lost before "
								+ "they were read")
				.withDetail("unresolved", statistics.unresolved());
		}
		else {
			builder.up();
		}
		builder.withDetail("checked", statistics.checked())
			.withDetail("gaps", statistics.gaps())
			.withDetail("missing", statistics.missingRecords())
			.withDetail("late", statistics.lateRecords())
			.withDetail("duplicates", statistics.duplicates())
			.withDetail("redelivered", statistics.redelivered())
			.withDetail("evictedProducers", statistics.evictedProducers())
			.withDetail("forgottenProducers", statistics.forgottenProducers());
		SequenceChecker.WindowStatistics windows = this.checker.windowStatistics();
		builder.withDetail("restoredProducers", windows.restoredProducers())
			.withDetail("unpersistedProducers", windows.unpersistedProducers());
		if (windows.unpersistedProducers() > 0) {
			builder.withDetail("windowBlindSpot", windows.unpersistedProducers()
					+ " producer window(s) were left out of committed offsets (offset.metadata.max.bytes): after a"
					+ " rebalance or a restart, a gap just before the next record of one of them is not seen");
		}
		if (statistics.forgottenProducers() > 0) {
			builder.withDetail("blindSpot", statistics.forgottenProducers()
					+ " idle producer(s) were dropped from full windows: a gap just before the next record of one "
					+ "of them is not seen");
		}
		if (!statistics.recentGaps().isEmpty()) {
			builder.withDetail("recentGaps", statistics.recentGaps());
		}
	}

}
