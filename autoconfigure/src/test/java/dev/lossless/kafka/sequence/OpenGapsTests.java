package dev.lossless.kafka.sequence;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The open gaps of a group's partitions, kept apart per producer.
 */
class OpenGapsTests {

	private static final TopicPartition PARTITION = new TopicPartition("orders", 0);

	private final OpenGaps gaps = new OpenGaps(4);

	@Test
	void rangeSeenAgainOpensOnlyTheNumbersNotOpenYet() {
		assertThat(this.gaps.open("group", PARTITION, 7, 5, 9)).isEqualTo(5);
		assertThat(this.gaps.open("group", PARTITION, 7, 5, 9)).isZero();
		assertThat(this.gaps.open("group", PARTITION, 7, 3, 12)).isEqualTo(5);
		assertThat(this.gaps.open("group", PARTITION, 8, 5, 9)).as("another producer").isEqualTo(5);
		assertThat(this.gaps.unresolved(10).records()).isEqualTo(15);
	}

	@Test
	void partitionWhoseGapsWereAllFilledHasNoneLeft() {
		this.gaps.open("group", PARTITION, 7, 5, 6);
		assertThat(this.gaps.fill("group", "orders", 0, 7, 5)).isTrue();
		assertThat(this.gaps.any("group", PARTITION)).isTrue();
		assertThat(this.gaps.fill("group", "orders", 0, 7, 6)).isTrue();
		assertThat(this.gaps.fill("group", "orders", 0, 7, 6)).as("filled already").isFalse();
		assertThat(this.gaps.any("group", PARTITION)).isFalse();
		assertThat(this.gaps.unresolved(10).records()).isZero();
	}

	@Test
	void rangesBeyondTheLimitAreCountedUnlisted() {
		for (long first = 0; first < 60; first += 10) {
			this.gaps.open("group", PARTITION, 7, first, first + 1);
		}
		OpenGaps.Unresolved unresolved = this.gaps.unresolved(10);
		assertThat(unresolved.records()).isEqualTo(12);
		assertThat(unresolved.ranges()).hasSize(4);
		assertThat(this.gaps.appendTo(new StringBuilder(SequenceWindowCodec.PREFIX), "group", PARTITION, 4096))
			.as("unlisted ranges cannot be handed over")
			.isFalse();
	}

}
