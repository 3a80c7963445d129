package dev.lossless.kafka.deadletter;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The redrive's progress on one partition: never committed past a skipped record, the
 * records redriven after it remembered in the metadata.
 */
class RedriveProgressTests {

	@Test
	void recordsDoneInOrderMoveTheCommitPoint() {
		RedriveProgress progress = RedriveProgress.of(null, 5);
		progress.done(5);
		progress.done(7);
		assertThat(progress.toCommit()).isEqualTo(new OffsetAndMetadata(8, ""));
	}

	@Test
	void skippedRecordHoldsTheCommitPointAndLaterRecordsGoToTheMetadata() {
		RedriveProgress progress = RedriveProgress.of(new OffsetAndMetadata(10), 0);
		progress.done(10);
		progress.skipped(11);
		progress.done(12);
		progress.done(13);
		progress.done(15);
		progress.reached(20);
		assertThat(progress.toCommit()).isEqualTo(new OffsetAndMetadata(11, "12-13,15"));
	}

	@Test
	void metadataOfAnEarlierRedriveMarksItsRecordsRedriven() {
		RedriveProgress progress = RedriveProgress.of(new OffsetAndMetadata(11, "12-13,15"), 0);
		assertThat(progress.start()).isEqualTo(11);
		assertThat(progress.redriven(11)).isFalse();
		assertThat(progress.redriven(12)).isTrue();
		assertThat(progress.redriven(14)).isFalse();
		assertThat(progress.redriven(15)).isTrue();
		progress.done(11);
		progress.done(12);
		progress.done(13);
		progress.done(14);
		progress.done(15);
		progress.reached(16);
		assertThat(progress.toCommit()).isEqualTo(new OffsetAndMetadata(16, ""));
	}

	@Test
	void metadataStaysWithinTheBrokersLimit() {
		RedriveProgress progress = RedriveProgress.of(null, 0);
		progress.skipped(0);
		for (long offset = 1; offset < 10_000; offset += 2) {
			progress.done(offset);
		}
		assertThat(progress.toCommit().metadata()).hasSizeLessThanOrEqualTo(RedriveProgress.MAX_METADATA_LENGTH);
		assertThat(progress.toCommit().offset()).isZero();
	}

	@Test
	void committedOffsetBelowTheLogStartStartsAtTheLogStart() {
		assertThat(RedriveProgress.of(new OffsetAndMetadata(3), 40).start()).isEqualTo(40);
	}

}
