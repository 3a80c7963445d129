package dev.lossless.kafka.consumer;

import java.util.List;

import dev.lossless.kafka.consumer.LostOffsets.LostRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The ranges of lost offsets: counted once, kept until acknowledged, acknowledged by
 * partition and range.
 */
class LostOffsetsTests {

	private final LostOffsets lostOffsets = new LostOffsets();

	@Test
	void overlappingReportsCountEachOffsetOnce() {
		assertThat(this.lostOffsets.report("group", "orders", 0, 20, 50, "assignment")).isEqualTo(30);
		assertThat(this.lostOffsets.report("group", "orders", 0, 20, 50, "monitor")).isZero();
		assertThat(this.lostOffsets.report("group", "orders", 0, 40, 60, "reset")).isEqualTo(10);
		assertThat(this.lostOffsets.report("group", "orders", 0, 10, 70, "monitor")).isEqualTo(20);
		assertThat(this.lostOffsets.unacknowledgedOffsets()).isEqualTo(60);
		assertThat(this.lostOffsets.unacknowledged()).extracting(LostRange::from, LostRange::to)
			.containsExactly(tuple(10L, 20L), tuple(20L, 50L), tuple(50L, 60L), tuple(60L, 70L));
		assertThat(this.lostOffsets.totals()).singleElement()
			.satisfies((total) -> assertThat(total.offsets()).isEqualTo(60));
	}

	@Test
	void acknowledgingIsScopedToAPartitionAndARange() {
		this.lostOffsets.report("group", "orders", 0, 20, 50, "assignment");
		this.lostOffsets.report("group", "orders", 1, 0, 5, "assignment");
		this.lostOffsets.report("other", "orders", 0, 20, 50, "assignment");
		LostOffsets.Acknowledged acknowledged = this.lostOffsets.acknowledge("group", "orders", 0, 30L, 40L);
		assertThat(acknowledged.offsets()).isEqualTo(10);
		assertThat(this.lostOffsets.unacknowledged())
			.extracting(LostRange::group, LostRange::partition, LostRange::from, LostRange::to)
			.containsExactly(tuple("group", 0, 20L, 30L), tuple("group", 0, 40L, 50L), tuple("group", 1, 0L, 5L),
					tuple("other", 0, 20L, 50L));
		assertThat(this.lostOffsets.acknowledge("group", "orders", 0, null, null).offsets()).isEqualTo(20);
		assertThat(this.lostOffsets.unacknowledgedOffsets()).isEqualTo(35);
		// acknowledged offsets reported again are not new
		assertThat(this.lostOffsets.report("group", "orders", 0, 20, 50, "monitor")).isZero();
		assertThat(this.lostOffsets.totals()).extracting(LostOffsets.PartitionTotal::offsets)
			.containsExactlyInAnyOrderElementsOf(List.of(30L, 5L, 30L));
	}

}
