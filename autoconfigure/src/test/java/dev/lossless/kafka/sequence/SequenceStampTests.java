package dev.lossless.kafka.sequence;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.DefaultRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The stamp's format: what it costs on the wire, what it reads back, and the stamps of
 * earlier versions it still reads.
 */
class SequenceStampTests {

	private static final long LARGEST_ID = SequenceStamp.PRODUCER_IDS - 1;

	@Test
	void stampTakesAtMostTwelveWireBytesForTheFirst2To32RecordsOfAPartition() {
		assertThat(wireBytes(LARGEST_ID, 0)).isEqualTo(9);
		assertThat(wireBytes(LARGEST_ID, 255)).isEqualTo(9);
		assertThat(wireBytes(LARGEST_ID, 256)).isEqualTo(10);
		assertThat(wireBytes(LARGEST_ID, 65_535)).isEqualTo(10);
		assertThat(wireBytes(LARGEST_ID, 65_536)).isEqualTo(11);
		assertThat(wireBytes(LARGEST_ID, (1L << 24) - 1)).isEqualTo(11);
		assertThat(wireBytes(LARGEST_ID, 1L << 24)).isEqualTo(12);
		assertThat(wireBytes(LARGEST_ID, (1L << 32) - 1)).isEqualTo(12);
		assertThat(wireBytes(LARGEST_ID, 1L << 32)).isEqualTo(13);
		assertThat(wireBytes(LARGEST_ID, Long.MAX_VALUE)).isEqualTo(16);
	}

	@Test
	void averageStampOf100000RecordsOver3PartitionsIsAbout10WireBytes() {
		long total = IntStream.range(0, 100_000).mapToLong((i) -> wireBytes(LARGEST_ID, i / 3)).sum();
		assertThat(total / 100_000.0).isBetween(9.9, 10.0);
	}

	@Test
	void stampSurvivesTheHeaderEncoding() {
		for (long producerId : new long[] { 0, 7, LARGEST_ID }) {
			for (long sequence : new long[] { 0, 1, 255, 256, 65_535, 65_536, (1L << 24) - 1, 1L << 24,
					Integer.MAX_VALUE, (1L << 32) - 1, 1L << 32, Long.MAX_VALUE }) {
				SequenceStamp stamp = new SequenceStamp(producerId, sequence);
				RecordHeaders headers = new RecordHeaders();
				headers.add(SequenceStamp.HEADER, stamp.toBytes());
				assertThat(SequenceStamp.from(headers)).isEqualTo(stamp);
			}
		}
	}

	@Test
	void stampIsTheProducerIdInFiveBytesThenTheSequenceInAsFewBytesAsItNeeds() {
		assertThat(SequenceStamp.HEADER.getBytes(StandardCharsets.UTF_8)).hasSize(1);
		assertThat(new SequenceStamp(0x0102030405L, 5).toBytes()).containsExactly(1, 2, 3, 4, 5, 5);
		assertThat(new SequenceStamp(LARGEST_ID, 300).toBytes()).containsExactly(-1, -1, -1, -1, -1, 1, 44);
		assertThat(new SequenceStamp(1, 2_000_000).toBytes()).hasSize(8);
		assertThat(new SequenceStamp(1, Long.MAX_VALUE).toBytes()).hasSize(13);
	}

	@Test
	void producerIdsOfNewStampsHave40Bits() {
		assertThat(IntStream.range(0, 1000).mapToLong((i) -> ProducerSequences.create().producerId()))
			.allSatisfy((id) -> assertThat(id).isBetween(0L, LARGEST_ID));
		assertThatIllegalArgumentException().isThrownBy(() -> SequenceStamp.toBytes(SequenceStamp.PRODUCER_IDS, 0))
			.withMessageContaining("40 bits");
		assertThatIllegalArgumentException().isThrownBy(() -> SequenceStamp.toBytes(-1, 0));
		assertThatIllegalArgumentException().isThrownBy(() -> SequenceStamp.toBytes(1, -1));
	}

	@Test
	void malformedStampsAreNoStamps() {
		// no sequence, a sequence not in its shortest form, a sequence too long, negative
		byte[] notShortest = { 0, 0, 0, 0, 1, 0, 5 };
		byte[] tooLong = new byte[5 + 9];
		tooLong[5] = 1;
		byte[] negative = { 0, 0, 0, 0, 1, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0 };
		for (byte[] value : List.of(new byte[0], new byte[5], notShortest, tooLong, negative)) {
			assertThat(headers(SequenceStamp.HEADER, value))
				.allSatisfy((headers) -> assertThat(SequenceStamp.from(headers)).isNull());
		}
		assertThat(SequenceStamp.from(new RecordHeaders())).isNull();
	}

	@Test
	void stampOfAnEarlierVersionIsStillRead() {
		// 0.1.0 and 0.2.0 wrote lk-seq: a 64-bit id, then the sequence as a varint
		RecordHeaders headers = new RecordHeaders();
		headers.add("lk-seq", new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, (byte) 0xAC, 0x02 });
		assertThat(SequenceStamp.from(headers)).isEqualTo(new SequenceStamp(0x0102030405060708L, 300));
		assertThat(SequenceStamp.sequence(SequenceStamp.header(headers))).isEqualTo(300);
		assertThat(SequenceStamp.producerId(SequenceStamp.header(headers))).isEqualTo(0x0102030405060708L);
		headers.add(SequenceStamp.HEADER, new SequenceStamp(9, 1).toBytes());
		assertThat(SequenceStamp.from(headers)).as("the current stamp wins").isEqualTo(new SequenceStamp(9, 1));
		byte[] unterminated = { 0, 0, 0, 0, 0, 0, 0, 1, (byte) 0x81 };
		byte[] endsEarly = { 0, 0, 0, 0, 0, 0, 0, 1, 0x01, 0x01 };
		for (byte[] value : List.of(new byte[8], unterminated, endsEarly)) {
			assertThat(headers(SequenceStamp.LEGACY_HEADER, value))
				.allSatisfy((malformed) -> assertThat(SequenceStamp.from(malformed)).isNull());
		}
	}

	@Test
	void stampSentAgainKeepsItsFormatAndReplacesEarlierStamps() {
		RecordHeaders headers = new RecordHeaders();
		headers.add(SequenceStamp.LEGACY_HEADER, SequenceStamp.legacyBytes(-5L, 3));
		headers.add("trace", new byte[] { 1 });
		new SequenceStamp(-5L, 3).stamp(headers);
		assertThat(headers.toArray()).extracting(Header::key).containsExactly("trace", SequenceStamp.LEGACY_HEADER);
		assertThat(SequenceStamp.from(headers)).isEqualTo(new SequenceStamp(-5L, 3));
		new SequenceStamp(5L, 4).stamp(headers);
		assertThat(headers.toArray()).extracting(Header::key).containsExactly("trace", SequenceStamp.HEADER);
		assertThat(SequenceStamp.from(headers)).isEqualTo(new SequenceStamp(5L, 4));
	}

	/**
	 * The bytes the stamp adds to a record in Kafka's record format v2: its header's
	 * varint name length, name, varint value length and value, counted by the client's
	 * own record size (a record small enough that its length varint does not grow).
	 */
	private static int wireBytes(long producerId, long sequence) {
		Header stamp = new RecordHeader(SequenceStamp.HEADER, SequenceStamp.toBytes(producerId, sequence));
		return DefaultRecord.sizeInBytes(0, 0, 0, 0, new Header[] { stamp })
				- DefaultRecord.sizeInBytes(0, 0, 0, 0, new Header[0]);
	}

	private static List<RecordHeaders> headers(String name, byte[] value) {
		RecordHeaders headers = new RecordHeaders();
		headers.add(name, value);
		RecordHeaders afterAValidOne = new RecordHeaders();
		afterAValidOne.add(name, (SequenceStamp.HEADER.equals(name)) ? new SequenceStamp(1, 1).toBytes()
				: SequenceStamp.legacyBytes(1, 1));
		afterAValidOne.add(name, value);
		return List.of(headers, afterAValidOne);
	}

}
