package dev.lossless.kafka.sequence;

import java.nio.ByteBuffer;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * The stamp a producer puts on each record: the producer's id and the record's sequence
 * number within its topic partition, carried in one header named {@value #HEADER} whose
 * value is 16 bytes, the producer id then the sequence, both big-endian {@code long}s.
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
	public static final String HEADER = "lossless-seq";

	/**
	 * The name of the header that marks a record sent again from the send journal: it
	 * keeps its original stamp, but arrives after records stamped later.
	 */
	public static final String REPLAYED_HEADER = "lossless-replayed";

	private static final int LENGTH = 2 * Long.BYTES;

	/**
	 * Return the stamp as the header's value.
	 * @return the 16 bytes
	 */
	public byte[] toBytes() {
		return ByteBuffer.allocate(LENGTH).putLong(this.producerId).putLong(this.sequence).array();
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
		if (header == null || header.value() == null || header.value().length != LENGTH) {
			return null;
		}
		ByteBuffer buffer = ByteBuffer.wrap(header.value());
		return new SequenceStamp(buffer.getLong(), buffer.getLong());
	}

	static String hex(long producerId) {
		return String.format("%016x", producerId);
	}

}
