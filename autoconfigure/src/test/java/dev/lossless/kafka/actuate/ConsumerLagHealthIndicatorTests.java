package dev.lossless.kafka.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.lossless.kafka.consumer.ConsumerOffsetsSnapshot;
import dev.lossless.kafka.consumer.ConsumerOffsetsSnapshot.PartitionOffsets;
import dev.lossless.kafka.consumer.ConsumerOffsetsSnapshot.Verdict;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The status and details {@link ConsumerLagHealthIndicator} gives each kind of snapshot.
 */
class ConsumerLagHealthIndicatorTests {

	private static final Instant TIME = Instant.parse("2025-01-01T00:00:00Z");

	@Test
	void unknownBeforeTheFirstSnapshot() {
		Health health = new ConsumerLagHealthIndicator(() -> null).health();
		assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
		assertThat(health.getDetails()).containsEntry("reason", "the consumer group offsets have not been read yet");
	}

	@Test
	void unknownWithTheReasonWhileTheBrokersDoNotAnswer() {
		Health health = health(ConsumerOffsetsSnapshot
			.unreachable("brokers localhost:9092 did not answer within 5000 ms", TIME, Duration.ofSeconds(5)));
		assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
		assertThat(health.getDetails()).containsEntry("reason", "brokers localhost:9092 did not answer within 5000 ms")
			.containsEntry("time", TIME.toString())
			.containsEntry("tookMs", 5000L);
	}

	@Test
	void upWhenNoGroupIsAtRiskAndPartitionsWithoutCommitAreListedAsSuch() {
		Health health = health(snapshot(offsets("orders", 0, 4L, 0, 10), offsets("orders", 1, null, 0, 10)));
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).doesNotContainKeys("reason", "lost", "atRisk", "omittedPartitions");
		assertThat(partitionDetails(health, "group", "orders-0")).containsEntry("committed", 4L)
			.containsEntry("logStart", 0L)
			.containsEntry("logEnd", 10L)
			.containsEntry("lag", 6L)
			.containsEntry("headroom", 4L)
			.containsEntry("verdict", Verdict.OK);
		assertThat(partitionDetails(health, "group", "orders-1")).containsEntry("verdict", Verdict.NOT_COMMITTED)
			.doesNotContainKeys("committed", "lag", "headroom");
		assertThat(health.getDetails()).containsEntry("verdicts", Map.of(Verdict.OK, 1, Verdict.NOT_COMMITTED, 1));
	}

	@Test
	void warningNamingThePartitionsAtRisk() {
		Health health = health(snapshot(offsets("orders", 0, 2L, 0, 10), offsets("orders", 1, 5L, 0, 10)));
		assertThat(health.getStatus()).isEqualTo(ConsumerLagHealthIndicator.WARNING);
		assertThat(health.getStatus().getCode()).isEqualTo("WARNING");
		assertThat(health.getDetails().get("reason").toString()).startsWith("1 partition(s) are close to losing");
		assertThat(health.getDetails()).containsEntry("atRisk",
				List.of("group group, orders-0: lag 8 of 10 retained record(s), headroom 2"));
		assertThat(partitionDetails(health, "group", "orders-0")).containsEntry("verdict", Verdict.AT_RISK);
	}

	@Test
	void downNamingGroupTopicPartitionAndLostRecordsEvenWhenOthersAreOnlyAtRisk() {
		Health health = health(snapshot(offsets("orders", 0, 2L, 0, 10), offsets("orders", 1, 3L, 7, 10)));
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("reason",
				"4 record(s) of 1 partition(s) were deleted by retention before their consumer group read them");
		assertThat(health.getDetails()).containsEntry("lost",
				List.of("group group, orders-1: 4 record(s) lost (committed offset 3, log start offset 7)"));
		assertThat(health.getDetails()).containsKey("atRisk");
		assertThat(partitionDetails(health, "group", "orders-1")).containsEntry("verdict", Verdict.LOST)
			.containsEntry("lostRecords", 4L)
			.containsEntry("headroom", -4L);
	}

	@Test
	void detailsListAtMostTheGivenNumberOfPartitionsWorstFirstAndCountTheOthers() {
		List<PartitionOffsets> partitions = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			partitions.add(offsets("orders", i, 9L, 0, 10));
		}
		partitions.add(offsets("payments", 0, 1L, 5, 10));
		ConsumerOffsetsSnapshot snapshot = new ConsumerOffsetsSnapshot(partitions, TIME, Duration.ofMillis(20), null);
		Health health = new ConsumerLagHealthIndicator(() -> snapshot, 5).health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		Map<?, ?> groups = (Map<?, ?>) health.getDetails().get("groups");
		Map<?, ?> group = (Map<?, ?>) groups.get("group");
		assertThat(group).hasSize(5);
		assertThat(group.keySet().iterator().next()).isEqualTo("payments-0");
		assertThat(health.getDetails()).containsEntry("omittedPartitions", 26);
	}

	private static Health health(ConsumerOffsetsSnapshot snapshot) {
		return new ConsumerLagHealthIndicator(() -> snapshot).health();
	}

	private static ConsumerOffsetsSnapshot snapshot(PartitionOffsets... partitions) {
		return new ConsumerOffsetsSnapshot(List.of(partitions), TIME, Duration.ofMillis(20), null);
	}

	private static PartitionOffsets offsets(String topic, int partition, Long committed, long logStart, long logEnd) {
		return PartitionOffsets.of("group", topic, partition, committed, logStart, logEnd, 0.8);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> partitionDetails(Health health, String group, String partition) {
		Map<String, Map<String, Object>> groups = ((Map<String, Map<String, Map<String, Object>>>) health.getDetails()
			.get("groups")).get(group);
		return groups.get(partition);
	}

}
