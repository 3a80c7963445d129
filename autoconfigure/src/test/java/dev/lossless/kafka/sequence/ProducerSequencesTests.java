package dev.lossless.kafka.sequence;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Which sequence numbers a producer's records get.
 */
class ProducerSequencesTests {

	private static final int ORDERS_0 = 0;

	private static final int ORDERS_1 = 1;

	private static final int ORDERS_5 = 5;

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
		assertThatIllegalStateException()
			.isThrownBy(() -> this.sequences.stampAndSend("orders", ORDERS_0, (producerId, sequence) -> {
				throw new IllegalStateException("serialization failed");
			}, (failure) -> true));
		this.sequences.stampAndSend("orders", ORDERS_0,
				(producerId, sequence) -> CompletableFuture.failedFuture(new RecordTooLargeException("too large")),
				(failure) -> true);
		send(ORDERS_0);
		assertThat(this.stamps).extracting(SequenceStamp::sequence).containsExactly(0L, 1L);
	}

	@Test
	void failureSomeoneElseWillStillWriteKeepsItsNumber() {
		this.sequences.stampAndSend("orders", ORDERS_0, (producerId, sequence) -> {
			this.stamps.add(new SequenceStamp(producerId, sequence));
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
	void partitionsFarApartAndTopicsCountOnTheirOwn() {
		send(ORDERS_5);
		send(ORDERS_0);
		send(ORDERS_5);
		send("payments", ORDERS_5);
		assertThat(this.stamps).extracting(SequenceStamp::sequence).containsExactly(0L, 0L, 1L, 0L);
	}

	@Test
	void transactionLeftOpenKeepsItsNumbersWhenTheNextOneBegins() {
		this.sequences.beginTransaction();
		send(ORDERS_0);
		this.sequences.beginTransaction();
		send(ORDERS_0);
		this.sequences.abortTransaction();
		send(ORDERS_0);
		assertThat(this.stamps).extracting(SequenceStamp::sequence).containsExactly(0L, 1L, 1L);
	}

	private void send(int partition) {
		send("orders", partition);
	}

	private void send(String topic, int partition) {
		this.sequences.stampAndSend(topic, partition, (producerId, sequence) -> {
			this.stamps.add(new SequenceStamp(producerId, sequence));
			return new CompletableFuture<>();
		}, (failure) -> true);
	}

}
