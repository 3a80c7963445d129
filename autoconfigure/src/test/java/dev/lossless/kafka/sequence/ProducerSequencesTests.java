package dev.lossless.kafka.sequence;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
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

	@Test
	void stampSurvivesTheHeaderEncoding() {
		for (long sequence : new long[] { 0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, Integer.MAX_VALUE,
				Long.MAX_VALUE }) {
			SequenceStamp stamp = new SequenceStamp(-7L, sequence);
			RecordHeaders headers = new RecordHeaders();
			headers.add(SequenceStamp.HEADER, stamp.toBytes());
			assertThat(SequenceStamp.from(headers)).isEqualTo(stamp);
		}
		headers(new byte[3]).forEach((headers) -> assertThat(SequenceStamp.from(headers)).isNull());
	}

	@Test
	void stampIsTheProducerIdThenAVarint() {
		assertThat(new SequenceStamp(0x0102030405060708L, 5).toBytes()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 5);
		assertThat(new SequenceStamp(-1L, 300).toBytes()).hasSize(10).endsWith(0xAC - 256, 0x02);
		assertThat(new SequenceStamp(1, 2_000_000).toBytes()).hasSize(11);
		assertThat(new SequenceStamp(1, Long.MAX_VALUE).toBytes()).hasSize(17);
	}

	@Test
	void malformedStampsAreNoStamps() {
		// too short, a varint that does not end, a varint that ends early, too long
		byte[] unterminated = { 0, 0, 0, 0, 0, 0, 0, 1, (byte) 0x81 };
		byte[] endsEarly = { 0, 0, 0, 0, 0, 0, 0, 1, 0x01, 0x01 };
		byte[] tooLong = new byte[8 + 10];
		java.util.Arrays.fill(tooLong, 8, 17, (byte) 0x81);
		tooLong[17] = 0x01;
		for (byte[] value : List.of(new byte[8], unterminated, endsEarly, tooLong)) {
			assertThat(headers(value)).allSatisfy((headers) -> assertThat(SequenceStamp.from(headers)).isNull());
		}
		assertThat(SequenceStamp.from(new RecordHeaders())).isNull();
	}

	private static List<RecordHeaders> headers(byte[] value) {
		RecordHeaders headers = new RecordHeaders();
		headers.add(SequenceStamp.HEADER, value);
		RecordHeaders afterAValidOne = new RecordHeaders();
		afterAValidOne.add(SequenceStamp.HEADER, new SequenceStamp(1, 1).toBytes());
		afterAValidOne.add(SequenceStamp.HEADER, value);
		return List.of(headers, afterAValidOne);
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
