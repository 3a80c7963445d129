package dev.lossless.kafka.sequence;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.lossless.kafka.sequence.SequenceChecker.Outcome;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed form of a sequence window: its encoding, its size, and the window of the
 * committed offset rather than of the records checked since.
 */
class SequenceWindowCodecTests {

	private static final TopicPartition PARTITION = new TopicPartition("orders", 0);

	private final SequenceChecker checker = new SequenceChecker();

	@Test
	void encodedWindowReadsBackWithTheMostRecentProducerFirst() {
		StringBuilder text = new StringBuilder(SequenceWindowCodec.PREFIX);
		SequenceWindowCodec.append(text, -1L, Long.MAX_VALUE);
		SequenceWindowCodec.append(text, 0x1234_5678_9abc_def0L, 0);
		SequenceWindowCodec.append(text, 7, 4095);
		assertThat(SequenceWindowCodec.decode(text.toString())).containsExactly(Map.entry(-1L, Long.MAX_VALUE),
				Map.entry(0x1234_5678_9abc_def0L, 0L), Map.entry(7L, 4095L));
		assertThat(text).hasSize(SequenceWindowCodec.PREFIX.length() + SequenceWindowCodec.length(Long.MAX_VALUE) - 1
				+ SequenceWindowCodec.length(0) + SequenceWindowCodec.length(4095));
		assertThat(SequenceWindowCodec.length(4095)).isEqualTo(14);
		assertThat(SequenceWindowCodec.length(4096)).isEqualTo(15);
	}

	@Test
	void openGapsFollowTheProducersAndReadBack() {
		StringBuilder text = new StringBuilder(SequenceWindowCodec.PREFIX);
		SequenceWindowCodec.append(text, 7, 4095);
		SequenceWindowCodec.appendGap(text, true, 7, 3, 4);
		SequenceWindowCodec.appendGap(text, false, -1L, 4096, Long.MAX_VALUE);
		assertThat(SequenceWindowCodec.decode(text.toString())).containsExactly(Map.entry(7L, 4095L));
		assertThat(SequenceWindowCodec.decodeGaps(text.toString())).containsExactly(
				new SequenceWindowCodec.CommittedGap(7, 3, 4),
				new SequenceWindowCodec.CommittedGap(-1L, 4096, Long.MAX_VALUE));
		assertThat(text).hasSize(SequenceWindowCodec.PREFIX.length() + SequenceWindowCodec.length(4095) - 1
				+ SequenceWindowCodec.gapLength(3, 4) + SequenceWindowCodec.gapLength(4096, Long.MAX_VALUE));
		assertThat(SequenceWindowCodec.gapLength(3, 4)).isEqualTo(15);
		assertThat(SequenceWindowCodec.decodeGaps(SequenceWindowCodec.PREFIX + "AAAAAAAAAAAB;AAAAAAAAAAH.D"))
			.as("a range without its first number")
			.isEmpty();
		assertThat(SequenceWindowCodec.decodeGaps(SequenceWindowCodec.PREFIX + "AAAAAAAAAAAB")).isEmpty();
	}

	@Test
	void openGapsAreHandedOverWithTheCommitThatCarriedThem() {
		check(0, 1, 0);
		check(1, 1, 3);
		String committed = this.checker.committedWindow("group", PARTITION, 2, 4096);
		this.checker.handOver("group", List.of(PARTITION));
		assertThat(this.checker.statistics().unresolvedRecords()).as("handed over").isZero();
		SequenceChecker next = new SequenceChecker();
		next.restore("group", PARTITION, 2, committed);
		assertThat(next.statistics().unresolvedRecords()).as("shown by the next owner").isEqualTo(2);
		assertThat(check(next, 2, 1, 1)).isEqualTo(Outcome.LATE);
		assertThat(check(next, 3, 1, 2)).isEqualTo(Outcome.LATE);
		assertThat(next.statistics().unresolvedRecords()).isZero();
	}

	@Test
	void gapCarriedToTheNextOwnerAndSeenAgainThereIsCountedOnce() {
		check(0, 1, 0);
		check(1, 1, 1);
		check(2, 1, 5);
		// offset 2 is checked but not processed: the commit for offset 2 carries the gap
		String committed = this.checker.committedWindow("group", PARTITION, 2, 4096);
		this.checker.handOver("group", List.of(PARTITION));
		SequenceChecker next = new SequenceChecker();
		next.restore("group", PARTITION, 2, committed);
		assertThat(check(next, 2, 1, 5)).isEqualTo(Outcome.GAP);
		assertThat(next.statistics()).satisfies((statistics) -> {
			assertThat(statistics.gaps()).as("seen first by the previous owner").isZero();
			assertThat(statistics.missingRecords()).isZero();
			assertThat(statistics.recentGaps()).isEmpty();
			assertThat(statistics.unresolvedRecords()).isEqualTo(3);
		});
		// a log that changed under the gap (an unclean election) misses more: only those
		// are new
		SequenceChecker third = new SequenceChecker();
		third.restore("group", PARTITION, 2, committed);
		assertThat(check(third, 2, 1, 8)).isEqualTo(Outcome.GAP);
		assertThat(third.statistics()).satisfies((statistics) -> {
			assertThat(statistics.gaps()).isOne();
			assertThat(statistics.missingRecords()).isEqualTo(3);
			assertThat(statistics.unresolvedRecords()).isEqualTo(6);
		});
		for (long sequence = 2; sequence <= 7; sequence++) {
			assertThat(check(third, 3 + sequence, 1, sequence)).isEqualTo(Outcome.LATE);
		}
		assertThat(third.statistics().unresolvedRecords()).isZero();
	}

	@Test
	void openGapsNotCarriedByTheLastCommitAreKept() {
		check(0, 1, 0);
		check(1, 1, 3);
		String committed = this.checker.committedWindow("group", PARTITION, 2, 4096);
		this.checker.windowNotCommitted("group", PARTITION);
		this.checker.handOver("group", List.of(PARTITION));
		assertThat(this.checker.statistics().unresolvedRecords()).isEqualTo(2);
		// given back to this member, what it kept counts once
		this.checker.restore("group", PARTITION, 2, committed);
		assertThat(this.checker.statistics().unresolvedRecords()).isEqualTo(2);
		int withoutRoom = committed.indexOf(';');
		SequenceChecker small = new SequenceChecker();
		check(small, 0, 1, 0);
		check(small, 1, 1, 3);
		assertThat(small.committedWindow("group", PARTITION, 2, withoutRoom)).doesNotContain(";");
		small.handOver("group", List.of(PARTITION));
		assertThat(small.statistics().unresolvedRecords()).as("no room in the metadata: kept").isEqualTo(2);
	}

	@Test
	void restoredGapsHandedOnBeforeAnyCommitAreShownByTheNextOwnerOnly() {
		check(0, 1, 0);
		check(1, 1, 3);
		String committed = this.checker.committedWindow("group", PARTITION, 2, 4096);
		this.checker.handOver("group", List.of(PARTITION));
		SequenceChecker next = new SequenceChecker();
		next.restore("group", PARTITION, 2, committed);
		// moved on before it committed: the broker still holds the gaps
		next.handOver("group", List.of(PARTITION));
		assertThat(next.statistics().unresolvedRecords()).as("shown by a member that no longer owns the partition")
			.isZero();
		SequenceChecker third = new SequenceChecker();
		third.restore("group", PARTITION, 2, committed);
		assertThat(third.statistics().unresolvedRecords()).isEqualTo(2);
	}

	@Test
	void metadataThatIsNotAWindowReadsAsNoWindow() {
		assertThat(SequenceWindowCodec.decode(null)).isEmpty();
		assertThat(SequenceWindowCodec.decode("")).isEmpty();
		assertThat(SequenceWindowCodec.decode("the application's own")).isEmpty();
		assertThat(SequenceWindowCodec.decode(SequenceWindowCodec.PREFIX + "AAAA")).isEmpty();
		assertThat(SequenceWindowCodec.decode(SequenceWindowCodec.PREFIX + "AAAAAAAAAAAB,A*AAAAAAAAAB")).isEmpty();
	}

	@Test
	void windowCommittedIsTheOneOfTheCommittedOffsetNotOfTheRecordsCheckedSince() {
		check(0, 1, 0);
		check(1, 1, 1);
		check(2, 2, 0);
		check(3, 1, 2);
		check(4, 3, 0);
		// records 3 and 4 are checked but not processed yet: the commit is for offset 3
		Map<Long, Long> committed = SequenceWindowCodec
			.decode(this.checker.committedWindow("group", PARTITION, 3, 4096));
		assertThat(committed).containsOnly(Map.entry(1L, 1L), Map.entry(2L, 0L));
		assertThat(SequenceWindowCodec.decode(this.checker.committedWindow("group", PARTITION, 5, 4096)))
			.containsExactly(Map.entry(3L, 0L), Map.entry(1L, 2L), Map.entry(2L, 0L));
	}

	@Test
	void restoredWindowContinuesTheCheckAndSeesAGapMadeInBetween() {
		check(0, 1, 0);
		check(1, 1, 1);
		String committed = this.checker.committedWindow("group", PARTITION, 2, 4096);
		SequenceChecker next = new SequenceChecker();
		next.restore("group", PARTITION, 2, committed);
		assertThat(check(next, 1, 1, 1)).as("below the committed offset").isEqualTo(Outcome.REDELIVERED);
		assertThat(check(next, 2, 1, 2)).isEqualTo(Outcome.IN_ORDER);
		assertThat(check(next, 3, 1, 5)).isEqualTo(Outcome.GAP);
		assertThat(next.statistics().unresolvedRecords()).isEqualTo(2);
		assertThat(next.windowStatistics().restoredProducers()).isOne();
	}

	@Test
	void producersIdleTheLongestAreLeftOutOfAFullWindowAndCounted() {
		for (int producer = 0; producer < 100; producer++) {
			check(producer, producer, 1000);
		}
		int limit = 200;
		String window = this.checker.committedWindow("group", PARTITION, 100, limit);
		Map<Long, Long> committed = SequenceWindowCodec.decode(window);
		assertThat(window.length()).isLessThanOrEqualTo(limit);
		assertThat(committed).hasSize((limit - SequenceWindowCodec.PREFIX.length() + 1) / 14)
			.containsKeys(99L, 98L)
			.doesNotContainKey(0L);
		assertThat(this.checker.windowStatistics().unpersistedProducers()).isEqualTo(100 - committed.size());
	}

	@Test
	void encodedSizeForOneTenAndAHundredProducers() {
		for (int producers : new int[] { 1, 10, 100 }) {
			SequenceChecker sizes = new SequenceChecker();
			for (int producer = 0; producer < producers; producer++) {
				check(sizes, producer, producer * 17L + 1, 100_000);
			}
			String window = sizes.committedWindow("group", PARTITION, producers, 4096);
			assertThat(window).hasSize(SequenceWindowCodec.PREFIX.length() + 15 * producers - 1);
		}
	}

	private Outcome check(long offset, long producer, long sequence) {
		return check(this.checker, offset, producer, sequence);
	}

	private static Outcome check(SequenceChecker checker, long offset, long producer, long sequence) {
		RecordHeaders headers = new RecordHeaders();
		headers.add(SequenceStamp.HEADER, new SequenceStamp(producer, sequence).toBytes());
		return checker.check("group", new ConsumerRecord<>("orders", 0, offset, 0L, TimestampType.CREATE_TIME, -1, -1,
				"key", "value", headers, Optional.empty()));
	}

}
