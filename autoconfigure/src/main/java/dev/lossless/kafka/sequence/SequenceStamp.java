package dev.lossless.kafka.sequence;

import dev.lossless.kafka.support.LosslessHeaders;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * The stamp a producer puts on each record: the producer's id and the record's sequence
 * number within its topic partition, carried in one header named {@value #HEADER} whose
 * value is the producer id as 5 bytes (40 bits), big-endian, then the sequence number,
 * big-endian, in as few bytes as it needs (1 to 8, the value's length tells how many).
 * With its one-byte name and the two lengths, the header adds 9 bytes to a record below
 * 256, 10 below 65,536, 11 below 16,777,216 and 12 below 4,294,967,296 (2^32) records of
 * a producer instance in a partition.
 * <p>
 * Records stamped by earlier versions carry {@value #LEGACY_HEADER} (a 64-bit producer
 * id, then the sequence number as an unsigned varint): {@link #from(Headers)} and the
 * checker read both, so that records in flight, journaled, in an outbox or in a
 * dead-letter topic during an upgrade are still checked. Where a record carries both,
 * {@value #HEADER} wins.
 *
 * @param producerId the id of the producer instance that wrote the record: below 2^40 for
 * the stamps written now, any value for a stamp read from {@value #LEGACY_HEADER}
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
	 * The name of the header that carried the stamp up to 0.2.0, still read.
	 * @since 0.2.0
	 */
	public static final String LEGACY_HEADER = LosslessHeaders.LEGACY_SEQUENCE;

	/**
	 * The name of the header that marks a record sent again from the send journal: it
	 * keeps its original stamp, but arrives after records stamped later.
	 */
	public static final String REPLAYED_HEADER = LosslessHeaders.REPLAYED;

	/**
	 * The number of distinct producer ids the stamp can carry (2^40): producer ids are
	 * taken from {@code 0} to {@code PRODUCER_IDS - 1}.
	 * @since 0.2.0
	 */
	public static final long PRODUCER_IDS = 1L << 40;

	private static final int PRODUCER_ID_LENGTH = 5;

	private static final int LEGACY_PRODUCER_ID_LENGTH = Long.BYTES;

	private static final int LEGACY_MAX_SEQUENCE_LENGTH = 9;

	/**
	 * Return the stamp as the value of the {@value #HEADER} header.
	 * @return the producer id then the sequence number
	 * @throws IllegalArgumentException if the producer id is not below
	 * {@link #PRODUCER_IDS} (a stamp read from the legacy header: use
	 * {@link #stamp(Headers)} to write it again)
	 */
	public byte[] toBytes() {
		return toBytes(this.producerId, this.sequence);
	}

	/**
	 * Return the value of the {@value #HEADER} header of a stamp, without creating the
	 * stamp.
	 * @param producerId the id of the producer instance, from 0 to
	 * {@code PRODUCER_IDS - 1}
	 * @param sequence the sequence number, not negative
	 * @return the producer id then the sequence number
	 */
	public static byte[] toBytes(long producerId, long sequence) {
		if (sequence < 0) {
			throw new IllegalArgumentException("A sequence number cannot be negative: " + sequence);
		}
		if (producerId < 0 || producerId >= PRODUCER_IDS) {
			throw new IllegalArgumentException("A producer id of the '" + HEADER + "' stamp has 40 bits, from 0 to "
					+ (PRODUCER_IDS - 1) + ": " + producerId);
		}
		int sequenceLength = 1;
		for (long rest = sequence >>> 8; rest != 0; rest >>>= 8) {
			sequenceLength++;
		}
		byte[] bytes = new byte[PRODUCER_ID_LENGTH + sequenceLength];
		for (int i = 0; i < PRODUCER_ID_LENGTH; i++) {
			bytes[i] = (byte) (producerId >>> (8 * (PRODUCER_ID_LENGTH - 1 - i)));
		}
		for (int i = bytes.length - 1, shift = 0; i >= PRODUCER_ID_LENGTH; i--, shift += 8) {
			bytes[i] = (byte) (sequence >>> shift);
		}
		return bytes;
	}

	/**
	 * Put this stamp on a record's headers in place of any earlier one: in the
	 * {@value #HEADER} header, or, for a producer id beyond 40 bits (a stamp read from a
	 * record of an earlier version, sent again), in the {@value #LEGACY_HEADER} header it
	 * came in.
	 * @param headers the record's headers
	 * @since 0.2.0
	 */
	public void stamp(Headers headers) {
		headers.remove(HEADER);
		headers.remove(LEGACY_HEADER);
		if (this.producerId >= 0 && this.producerId < PRODUCER_IDS) {
			headers.add(HEADER, toBytes());
		}
		else {
			headers.add(LEGACY_HEADER, legacyBytes(this.producerId, this.sequence));
		}
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
		Header header = header(headers);
		long sequence = sequence(header);
		return (header != null && sequence >= 0) ? new SequenceStamp(producerId(header), sequence) : null;
	}

	/**
	 * Return whether a header is a stamp's, in this format or the legacy one.
	 * @param name the name of the header
	 * @return whether the header carries a stamp
	 * @since 0.2.0
	 */
	public static boolean isStamp(String name) {
		return HEADER.equals(name) || LEGACY_HEADER.equals(name);
	}

	/**
	 * Return the header that carries a record's stamp: the last {@value #HEADER}, else
	 * the last {@value #LEGACY_HEADER}.
	 * @param headers the record's headers
	 * @return the header, or {@code null}
	 */
	static @Nullable Header header(Headers headers) {
		Header header = headers.lastHeader(HEADER);
		return (header != null) ? header : headers.lastHeader(LEGACY_HEADER);
	}

	/**
	 * Return the sequence number a stamp's header carries.
	 * @param header the header that {@link #header(Headers)} returned
	 * @return the sequence number, or a negative number when the header is not a stamp
	 */
	static long sequence(@Nullable Header header) {
		if (header == null) {
			return -1;
		}
		return HEADER.equals(header.key()) ? sequence(header.value()) : legacySequence(header.value());
	}

	/**
	 * Return the producer id of a stamp's header that {@link #sequence(Header)} accepted.
	 * @param header the header
	 * @return the producer id
	 */
	static long producerId(Header header) {
		return readId(header.value(), HEADER.equals(header.key()) ? PRODUCER_ID_LENGTH : LEGACY_PRODUCER_ID_LENGTH);
	}

	/**
	 * Return the sequence number of a {@value #HEADER} value.
	 * @param value the header's value
	 * @return the sequence number, or a negative number when the value is not a stamp
	 */
	static long sequence(byte @Nullable [] value) {
		if (value == null || value.length <= PRODUCER_ID_LENGTH || value.length > PRODUCER_ID_LENGTH + Long.BYTES) {
			return -1;
		}
		if (value.length > PRODUCER_ID_LENGTH + 1 && value[PRODUCER_ID_LENGTH] == 0) {
			// not the shortest form: not written by a stamp
			return -1;
		}
		long sequence = 0;
		for (int i = PRODUCER_ID_LENGTH; i < value.length; i++) {
			sequence = (sequence << 8) | (value[i] & 0xFF);
		}
		return sequence;
	}

	/**
	 * Return the producer id of a {@value #HEADER} value that {@link #sequence(byte[])}
	 * accepted.
	 * @param value the header's value
	 * @return the producer id
	 */
	static long producerId(byte[] value) {
		return readId(value, PRODUCER_ID_LENGTH);
	}

	private static long legacySequence(byte @Nullable [] value) {
		if (value == null || value.length <= LEGACY_PRODUCER_ID_LENGTH
				|| value.length > LEGACY_PRODUCER_ID_LENGTH + LEGACY_MAX_SEQUENCE_LENGTH) {
			return -1;
		}
		long sequence = 0;
		int shift = 0;
		for (int i = LEGACY_PRODUCER_ID_LENGTH; i < value.length; i++) {
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
	 * Return the value of a {@value #LEGACY_HEADER} header: the producer id as 8 bytes,
	 * then the sequence number as an unsigned varint.
	 * @param producerId the producer id
	 * @param sequence the sequence number, not negative
	 * @return the header's value
	 */
	static byte[] legacyBytes(long producerId, long sequence) {
		if (sequence < 0) {
			throw new IllegalArgumentException("A sequence number cannot be negative: " + sequence);
		}
		int length = LEGACY_PRODUCER_ID_LENGTH + 1;
		for (long rest = sequence >>> 7; rest != 0; rest >>>= 7) {
			length++;
		}
		byte[] bytes = new byte[length];
		for (int i = 0; i < LEGACY_PRODUCER_ID_LENGTH; i++) {
			bytes[i] = (byte) (producerId >>> (56 - 8 * i));
		}
		long rest = sequence;
		for (int i = LEGACY_PRODUCER_ID_LENGTH; i < length - 1; i++) {
			bytes[i] = (byte) ((rest & 0x7F) | 0x80);
			rest >>>= 7;
		}
		bytes[length - 1] = (byte) rest;
		return bytes;
	}

	private static long readId(byte[] value, int length) {
		long producerId = 0;
		for (int i = 0; i < length; i++) {
			producerId = (producerId << 8) | (value[i] & 0xFF);
		}
		return producerId;
	}

	static String hex(long producerId) {
		return String.format("%016x", producerId);
	}

}
