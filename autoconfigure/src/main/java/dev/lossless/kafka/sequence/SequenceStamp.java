package dev.lossless.kafka.sequence;

import dev.lossless.kafka.support.LosslessHeaders;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * The stamp a producer puts on each record: the producer's id and the record's sequence
 * number within its topic partition, carried in one header named {@value #HEADER} whose
 * value is the producer id as 8 bytes, big-endian, then the sequence number as an
 * unsigned varint (7 bits a byte, least significant group first, the high bit set on
 * every byte but the last, as Kafka writes its own varints): 9 bytes below 128, 10 below
 * 16,384, 11 below 2,097,152, 12 below 268,435,456. With its name and the two lengths the
 * header adds 17 to 20 bytes to a record for the first 268 million records of a
 * partition.
 *
 * @param producerId the id of the producer instance that wrote the record
 * @param sequence the record's sequence number in its topic partition, from 0
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public record SequenceStamp(long producerId, long sequence) {

	/**
	 * The name of the header that carries the stamp.
	 */
	public static final String HEADER = LosslessHeaders.SEQUENCE;

	/**
	 * The name of the header that marks a record sent again from the send journal: it
	 * keeps its original stamp, but arrives after records stamped later.
	 */
	public static final String REPLAYED_HEADER = LosslessHeaders.REPLAYED;

	private static final int PRODUCER_ID_LENGTH = Long.BYTES;

	private static final int MAX_SEQUENCE_LENGTH = 9;

	/**
	 * Return the stamp as the header's value.
	 * @return the producer id then the sequence number as a varint
	 */
	public byte[] toBytes() {
		return toBytes(this.producerId, this.sequence);
	}

	/**
	 * Return the header value of a stamp, without creating the stamp.
	 * @param producerId the id of the producer instance
	 * @param sequence the sequence number, not negative
	 * @return the producer id then the sequence number as a varint
	 */
	public static byte[] toBytes(long producerId, long sequence) {
		if (sequence < 0) {
			throw new IllegalArgumentException("A sequence number cannot be negative: " + sequence);
		}
		int length = PRODUCER_ID_LENGTH + 1;
		for (long rest = sequence >>> 7; rest != 0; rest >>>= 7) {
			length++;
		}
		byte[] bytes = new byte[length];
		for (int i = 0; i < PRODUCER_ID_LENGTH; i++) {
			bytes[i] = (byte) (producerId >>> (56 - 8 * i));
		}
		long rest = sequence;
		for (int i = PRODUCER_ID_LENGTH; i < length - 1; i++) {
			bytes[i] = (byte) ((rest & 0x7F) | 0x80);
			rest >>>= 7;
		}
		bytes[length - 1] = (byte) rest;
		return bytes;
	}

	/**
	 * Return the producer id as it is shown in logs, health and metrics.
	 * @return the producer id in hexadecimal
	 */
	public String producerHex() {
		return hex(this.producerId);
	}

	/**
	 * Read the stamp of a record.
	 * @param headers the record's headers
	 * @return the stamp, or {@code null} when the record has none or a malformed one
	 */
	public static @Nullable SequenceStamp from(Headers headers) {
		Header header = headers.lastHeader(HEADER);
		byte[] value = (header != null) ? header.value() : null;
		long sequence = sequence(value);
		return (sequence >= 0) ? new SequenceStamp(producerId(value), sequence) : null;
	}

	/**
	 * Return the sequence number of a header value.
	 * @param value the header's value
	 * @return the sequence number, or a negative number when the value is not a stamp
	 */
	static long sequence(byte @Nullable [] value) {
		if (value == null || value.length <= PRODUCER_ID_LENGTH
				|| value.length > PRODUCER_ID_LENGTH + MAX_SEQUENCE_LENGTH) {
			return -1;
		}
		long sequence = 0;
		int shift = 0;
		for (int i = PRODUCER_ID_LENGTH; i < value.length; i++) {
			byte b = value[i];
			boolean last = i == value.length - 1;
			if (((b & 0x80) == 0) != last) {
				return -1;
			}
			sequence |= (long) (b & 0x7F) << shift;
			shift += 7;
		}
		return sequence;
	}

	/**
	 * Return the producer id of a header value that {@link #sequence(byte[])} accepted.
	 * @param value the header's value
	 * @return the producer id
	 */
	static long producerId(byte[] value) {
		long producerId = 0;
		for (int i = 0; i < PRODUCER_ID_LENGTH; i++) {
			producerId = (producerId << 8) | (value[i] & 0xFF);
		}
		return producerId;
	}

	static String hex(long producerId) {
		return String.format("%016x", producerId);
	}

}
