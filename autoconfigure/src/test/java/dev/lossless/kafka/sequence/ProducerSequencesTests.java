package dev.lossless.kafka.sequence;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Which sequence numbers a producer's records get.
 */
class ProducerSequencesTests {

	private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);

	private static final TopicPartition ORDERS_1 = new TopicPartition("orders", 1);

	private final ProducerSequences sequences = new ProducerSequences(42);

	private final List<SequenceStamp> stamps = new ArrayList<>();

	@Test
	void eachPartitionCountsFromZero() {
		send(ORDERS_0);
		send(ORDERS_0);
		send(ORDERS_1);
		assertThat(this.stamps).extracting(SequenceStamp::sequence).containsExactly(0L, 1L, 0L);
		assertThat(this.stamps).extracting(SequenceStamp::producerId).containsOnly(42L);
	}

	@Test
	void sendThatThrowsOrFailsAtOnceForGoodGivesItsNumberBack() {
		send(ORDERS_0);
		assertThatIllegalStateException().isThrownBy(() -> this.sequences.stampAndSend(ORDERS_0, (stamp) -> {
			throw new IllegalStateException("serialization failed");
		}, (failure) -> true));
		this.sequences.stampAndSend(ORDERS_0,
				(stamp) -> CompletableFuture.failedFuture(new RecordTooLargeException("too large")), (failure) -> true);
		send(ORDERS_0);
		assertThat(this.stamps).extracting(SequenceStamp::sequence).containsExactly(0L, 1L);
	}

	@Test
	void failureSomeoneElseWillStillWriteKeepsItsNumber() {
		this.sequences.stampAndSend(ORDERS_0, (stamp) -> {
			this.stamps.add(stamp);
			return CompletableFuture.failedFuture(new IllegalStateException("journaled"));
		}, (failure) -> false);
		send(ORDERS_0);
		assertThat(this.stamps).extracting(SequenceStamp::sequence).containsExactly(0L, 1L);
	}

	@Test
	void abortedTransactionGivesBackItsNumbersAndCommittedOneKeepsThem() {
		this.sequences.beginTransaction();
		send(ORDERS_0);
		this.sequences.commitTransaction();
		this.sequences.beginTransaction();
		send(ORDERS_0);
		send(ORDERS_0);
		send(ORDERS_1);
		this.sequences.abortTransaction();
		send(ORDERS_0);
		send(ORDERS_1);
		assertThat(this.stamps).extracting(SequenceStamp::sequence).containsExactly(0L, 1L, 2L, 0L, 1L, 0L);
	}

	@Test
	void stampSurvivesTheHeaderEncoding() {
		SequenceStamp stamp = new SequenceStamp(-7L, Long.MAX_VALUE);
		RecordHeaders headers = new RecordHeaders();
		headers.add(SequenceStamp.HEADER, stamp.toBytes());
		assertThat(SequenceStamp.from(headers)).isEqualTo(stamp);
		headers.add(SequenceStamp.HEADER, new byte[3]);
		assertThat(SequenceStamp.from(headers)).isNull();
	}

	private void send(TopicPartition partition) {
		this.sequences.stampAndSend(partition, (stamp) -> {
			this.stamps.add(stamp);
			return new CompletableFuture<>();
		}, (failure) -> true);
	}

}
