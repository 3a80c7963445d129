package dev.lossless.kafka.sequence;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import dev.lossless.kafka.sequence.SequenceChecker.Outcome;
import dev.lossless.kafka.sequence.SequenceChecker.SequenceStatistics;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The sequence checker's verdicts on crafted records.
 */
class SequenceCheckerTests {

	private static final long PRODUCER = 0x1234L;

	private final SequenceChecker checker = new SequenceChecker();

	@Test
	void contiguousSequencesAreInOrderAfterTheFirst() {
		assertThat(check(0, 10, 0)).isEqualTo(Outcome.FIRST);
		assertThat(check(0, 11, 1)).isEqualTo(Outcome.IN_ORDER);
		assertThat(check(0, 15, 2)).isEqualTo(Outcome.IN_ORDER);
		assertThat(this.checker.statistics().gaps()).isZero();
	}

	@Test
	void holeIsOneGapWithItsExactRangeAndMakesTheRecordsUnresolved() {
		check(0, 0, 0);
		check(0, 1, 1);
		assertThat(check(0, 2, 5)).isEqualTo(Outcome.GAP);
		SequenceStatistics statistics = this.checker.statistics();
		assertThat(statistics.gaps()).isOne();
		assertThat(statistics.missingRecords()).isEqualTo(3);
		assertThat(statistics.unresolvedRecords()).isEqualTo(3);
		assertThat(statistics.recentGaps()).singleElement().satisfies((gap) -> {
			assertThat(gap.group()).isEqualTo("group");
			assertThat(gap.topic()).isEqualTo("orders");
			assertThat(gap.partition()).isEqualTo(0);
			assertThat(gap.producer()).isEqualTo("0000000000001234");
			assertThat(gap.firstMissing()).isEqualTo(2);
			assertThat(gap.lastMissing()).isEqualTo(4);
		});
	}

	@Test
	void lateRecordsFillTheirGapUntilItIsResolved() {
		check(0, 0, 0);
		check(0, 1, 4);
		assertThat(check(0, 2, 2)).isEqualTo(Outcome.LATE);
		assertThat(this.checker.statistics().unresolved()).extracting("firstMissing", "lastMissing")
			.containsExactlyInAnyOrder(tuple(1L, 1L), tuple(3L, 3L));
		assertThat(check(0, 3, 1)).isEqualTo(Outcome.LATE);
		assertThat(check(0, 4, 3)).isEqualTo(Outcome.LATE);
		assertThat(check(0, 5, 5)).isEqualTo(Outcome.IN_ORDER);
		SequenceStatistics statistics = this.checker.statistics();
		assertThat(statistics.unresolvedRecords()).isZero();
		assertThat(statistics.lateRecords()).isEqualTo(3);
		assertThat(statistics.gaps()).isOne();
	}

	@Test
	void sameSequenceAtAHigherOffsetIsADuplicate() {
		check(0, 0, 0);
		check(0, 1, 1);
		assertThat(check(0, 2, 1)).isEqualTo(Outcome.DUPLICATE);
		assertThat(check(0, 3, 2)).isEqualTo(Outcome.IN_ORDER);
		assertThat(this.checker.statistics().duplicates()).isOne();
	}

	@Test
	void recordReadAgainAtAnOffsetAlreadyPassedIsRedeliveredNotDuplicate() {
		check(0, 0, 0);
		check(0, 1, 1);
		check(0, 2, 2);
		assertThat(check(0, 1, 1)).isEqualTo(Outcome.REDELIVERED);
		assertThat(check(0, 2, 2)).isEqualTo(Outcome.REDELIVERED);
		assertThat(check(0, 3, 3)).isEqualTo(Outcome.IN_ORDER);
		SequenceStatistics statistics = this.checker.statistics();
		assertThat(statistics.duplicates()).isZero();
		assertThat(statistics.redelivered()).isEqualTo(2);
	}

	@Test
	void partitionThatChangedHandsStartsANewWindow() {
		check(0, 0, 0);
		check(0, 1, 1);
		this.checker.forget("group", List.of(new TopicPartition("orders", 0)));
		// another member processed offsets 2 to 9 in between
		assertThat(check(0, 10, 10)).isEqualTo(Outcome.FIRST);
		assertThat(check(0, 11, 11)).isEqualTo(Outcome.IN_ORDER);
		assertThat(this.checker.statistics().gaps()).isZero();
	}

	@Test
	void producersAndPartitionsAndGroupsAreCheckedApart() {
		check("group", 0, 0, PRODUCER, 0);
		check("group", 0, 1, 0x99L, 0);
		check("group", 0, 2, PRODUCER, 1);
		check("group", 0, 3, 0x99L, 1);
		check("group", 1, 0, PRODUCER, 7);
		check("other", 0, 0, PRODUCER, 0);
		check("other", 0, 1, PRODUCER, 1);
		assertThat(this.checker.statistics().gaps()).isZero();
	}

	@Test
	void unstampedRecordsAreNotChecked() {
		ConsumerRecord<String, String> record = new ConsumerRecord<>("orders", 0, 0, "key", "value");
		assertThat(this.checker.check("group", record)).isEqualTo(Outcome.UNSTAMPED);
		assertThat(this.checker.statistics().checked()).isZero();
	}

	@Test
	void recordsStampedByAnEarlierVersionAreChecked() {
		long legacyProducer = 0x8123456789abcdefL;
		for (long[] offsetAndSequence : new long[][] { { 0, 0 }, { 1, 1 }, { 2, 3 } }) {
			RecordHeaders headers = new RecordHeaders();
			headers.add(SequenceStamp.LEGACY_HEADER, SequenceStamp.legacyBytes(legacyProducer, offsetAndSequence[1]));
			ConsumerRecord<String, String> record = new ConsumerRecord<>("orders", 0, offsetAndSequence[0], 0L,
					TimestampType.CREATE_TIME, -1, -1, "key", "value", headers, Optional.empty());
			this.checker.check("group", record);
		}
		assertThat(this.checker.statistics().gaps()).isOne();
		assertThat(this.checker.statistics().unresolved()).singleElement().satisfies((range) -> {
			assertThat(range.producer()).isEqualTo("8123456789abcdef");
			assertThat(range.firstMissing()).isEqualTo(2);
		});
	}

	@Test
	void acknowledgedGapsAreNoLongerUnresolvedButStayCounted() {
		check(0, 0, 0);
		check(0, 1, 3);
		assertThat(this.checker.acknowledgeGaps()).isEqualTo(2);
		SequenceStatistics statistics = this.checker.statistics();
		assertThat(statistics.unresolvedRecords()).isZero();
		assertThat(statistics.gaps()).isOne();
		assertThat(statistics.missingRecords()).isEqualTo(2);
	}

	@Test
	void lateRecordAfterTheWindowRestartedDoesNotStartTheWindow() {
		check(0, 0, 0);
		check(0, 1, 3);
		this.checker.forget("group", List.of(new TopicPartition("orders", 0)));
		// a replayed record arrives first, then the producer's live records
		assertThat(check(0, 5, 1)).isEqualTo(Outcome.LATE);
		assertThat(check(0, 6, 9)).isEqualTo(Outcome.FIRST);
		assertThat(check(0, 7, 10)).isEqualTo(Outcome.IN_ORDER);
		assertThat(this.checker.statistics().gaps()).isOne();
	}

	@Test
	void replayedRecordSeenFirstDoesNotStartTheWindow() {
		// producer 0x1234 sent 0 to 9 live while 5 to 7 were journaled; this consumer
		// starts after the live records and meets the replayed ones first
		assertThat(check(0, 20, 5, true)).isEqualTo(Outcome.REPLAYED);
		assertThat(check(0, 21, 6, true)).isEqualTo(Outcome.REPLAYED);
		assertThat(check(0, 23, 10, false)).isEqualTo(Outcome.FIRST);
		assertThat(check(0, 24, 11, false)).isEqualTo(Outcome.IN_ORDER);
		assertThat(this.checker.statistics().gaps()).isZero();
	}

	@Test
	void rebalanceListenerWrapperResetsTheWindowAndCallsTheApplicationsListener() {
		List<String> calls = new ArrayList<>();
		ConsumerRebalanceListener application = new ConsumerRebalanceListener() {

			@Override
			public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
				calls.add("revoked");
			}

			@Override
			public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
				calls.add("assigned");
			}

		};
		SequenceWindowResetter resetter = new SequenceWindowResetter(application, this.checker, "group");
		List<TopicPartition> partitions = List.of(new TopicPartition("orders", 0));
		check(0, 0, 0);
		check(0, 1, 1);
		resetter.onPartitionsRevokedBeforeCommit(null, partitions);
		resetter.onPartitionsRevokedAfterCommit(null, partitions);
		resetter.onPartitionsAssigned(null, partitions);
		assertThat(calls).containsExactly("revoked", "assigned");
		assertThat(check(0, 9, 9)).isEqualTo(Outcome.FIRST);
		assertThat(this.checker.statistics().gaps()).isZero();
	}

	@Test
	void fiveThousandProducersOverOnePartitionHideNoGap() {
		int producers = 5000;
		long offset = 0;
		for (int producer = 1; producer <= producers; producer++) {
			check("group", 0, offset++, producer, 0);
		}
		// each producer skips one number: every gap must be seen, the windows evicted
		// from
		// the recent producers included
		for (int producer = 1; producer <= producers; producer++) {
			assertThat(check("group", 0, offset++, producer, 2)).as("producer %d", producer).isEqualTo(Outcome.GAP);
		}
		SequenceStatistics statistics = this.checker.statistics();
		assertThat(statistics.gaps()).isEqualTo(producers);
		assertThat(statistics.unresolvedRecords()).isEqualTo(producers);
		assertThat(statistics.evictedProducers())
			.isGreaterThanOrEqualTo(producers - SequenceChecker.MAX_PRODUCERS_PER_PARTITION);
		assertThat(statistics.forgottenProducers()).isZero();
	}

	@Test
	void producersBeyondTheCompactStoreAreCountedAsForgotten() {
		int producers = SequenceChecker.MAX_PRODUCERS_PER_PARTITION
				+ SequenceChecker.MAX_EVICTED_PRODUCERS_PER_PARTITION + 100;
		long offset = 0;
		for (int producer = 1; producer <= producers; producer++) {
			check("group", 0, offset++, producer, 0);
		}
		SequenceStatistics statistics = this.checker.statistics();
		assertThat(statistics.evictedProducers()).isEqualTo(producers - SequenceChecker.MAX_PRODUCERS_PER_PARTITION);
		assertThat(statistics.forgottenProducers()).isEqualTo(100);
		// the first producers were forgotten: their next record starts a new window
		assertThat(check("group", 0, offset++, 1, 2)).isEqualTo(Outcome.FIRST);
		// the next ones are still checked (producer 1 coming back pushed out producer
		// 101)
		assertThat(check("group", 0, offset, 200, 2)).isEqualTo(Outcome.GAP);
	}

	@Test
	void gapsBeyondTheListedRangesStayUnresolved() {
		long offset = 0;
		long sequence = 0;
		check(0, offset++, sequence);
		for (int i = 0; i < SequenceChecker.MAX_OPEN_RANGES + 500; i++) {
			sequence += 2;
			check(0, offset++, sequence);
		}
		SequenceStatistics statistics = this.checker.statistics();
		assertThat(statistics.gaps()).isEqualTo(SequenceChecker.MAX_OPEN_RANGES + 500);
		assertThat(statistics.unresolvedRecords()).isEqualTo(SequenceChecker.MAX_OPEN_RANGES + 500);
	}

	private Outcome check(int partition, long offset, long sequence) {
		return check("group", partition, offset, PRODUCER, sequence);
	}

	private Outcome check(int partition, long offset, long sequence, boolean replayed) {
		return check("group", partition, offset, PRODUCER, sequence, replayed);
	}

	private Outcome check(String group, int partition, long offset, long producer, long sequence) {
		return check(group, partition, offset, producer, sequence, false);
	}

	private Outcome check(String group, int partition, long offset, long producer, long sequence, boolean replayed) {
		RecordHeaders headers = new RecordHeaders();
		headers.add(SequenceStamp.HEADER, new SequenceStamp(producer, sequence).toBytes());
		if (replayed) {
			headers.add(SequenceStamp.REPLAYED_HEADER, new byte[0]);
		}
		ConsumerRecord<String, String> record = new ConsumerRecord<>("orders", partition, offset, 0L,
				TimestampType.CREATE_TIME, -1, -1, "key", "value", headers, Optional.empty());
		return this.checker.check(group, record);
	}

}
