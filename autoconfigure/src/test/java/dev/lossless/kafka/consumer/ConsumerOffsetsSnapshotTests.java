package dev.lossless.kafka.consumer;

import dev.lossless.kafka.consumer.ConsumerOffsetsSnapshot.PartitionOffsets;
import dev.lossless.kafka.consumer.ConsumerOffsetsSnapshot.Verdict;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The verdict {@link PartitionOffsets} draws from the offsets of a partition.
 */
class ConsumerOffsetsSnapshotTests {

	@Test
	void groupThatStillHasToReadAtLeastTheThresholdOfTheRetainedLogIsAtRisk() {
		assertThat(verdict(20L, 0, 100)).isEqualTo(Verdict.AT_RISK);
		assertThat(verdict(21L, 0, 100)).isEqualTo(Verdict.OK);
		assertThat(verdict(1000L, 1000, 1100)).isEqualTo(Verdict.AT_RISK);
	}

	@Test
	void caughtUpGroupIsNotAtRiskEvenOnAnEmptyOrFullyDeletedLog() {
		assertThat(verdict(0L, 0, 0)).isEqualTo(Verdict.OK);
		assertThat(verdict(50L, 50, 50)).isEqualTo(Verdict.OK);
		assertThat(verdict(100L, 0, 100)).isEqualTo(Verdict.OK);
	}

	@Test
	void committedOffsetBelowTheLogStartIsLostByTheDifference() {
		PartitionOffsets offsets = PartitionOffsets.of("group", "orders", 0, 3L, 7, 10, 0.8);
		assertThat(offsets.verdict()).isEqualTo(Verdict.LOST);
		assertThat(offsets.lostRecords()).isEqualTo(4);
		assertThat(offsets.headroom()).isEqualTo(-4);
		assertThat(offsets.lag()).isEqualTo(7);
		assertThat(verdict(49L, 50, 50)).isEqualTo(Verdict.LOST);
	}

	@Test
	void partitionWithoutCommitIsNotCommittedWithNeitherLagNorLoss() {
		PartitionOffsets offsets = PartitionOffsets.of("group", "orders", 0, null, 7, 10, 0.8);
		assertThat(offsets.verdict()).isEqualTo(Verdict.NOT_COMMITTED);
		assertThat(offsets.lag()).isNull();
		assertThat(offsets.headroom()).isNull();
		assertThat(offsets.lostRecords()).isZero();
	}

	@Test
	void committedOffsetBeyondTheLogEndHasNoLag() {
		PartitionOffsets offsets = PartitionOffsets.of("group", "orders", 0, 12L, 0, 10, 0.8);
		assertThat(offsets.lag()).isZero();
		assertThat(offsets.verdict()).isEqualTo(Verdict.OK);
	}

	@Test
	void thresholdMustBeAFractionAboveZero() {
		assertThatIllegalArgumentException().isThrownBy(() -> PartitionOffsets.of("g", "t", 0, 1L, 0, 2, 0));
		assertThatIllegalArgumentException().isThrownBy(() -> PartitionOffsets.of("g", "t", 0, 1L, 0, 2, 1.5));
	}

	private static Verdict verdict(Long committed, long logStart, long logEnd) {
		return PartitionOffsets.of("group", "orders", 0, committed, logStart, logEnd, 0.8).verdict();
	}

}
