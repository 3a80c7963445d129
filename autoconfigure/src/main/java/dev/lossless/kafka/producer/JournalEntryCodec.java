package dev.lossless.kafka.producer;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.jspecify.annotations.Nullable;

/**
 * Writes and reads the frames of {@link SendJournal} segments:
 * {@code [int length][int CRC32C of payload][payload]}, the payload being
 * {@code [byte version][long sequence][long epoch seconds][int nanos][string topic]}
 * {@code [int partition or -1][bytes key][bytes value][int header count]}
 * {@code ([string name][bytes value])*[string reason]}, where a string is an {@code int}
 * length and UTF-8 bytes and bytes are an {@code int} length ({@code -1} for null) and
 * the bytes. All integers are big-endian.
 *
 * @author Lossless Kafka team
 */
final class JournalEntryCodec {

	/**
	 * The version of the payload format.
	 */
	static final byte VERSION = 1;

	/**
	 * Bytes of the frame before the payload: its length and its checksum.
	 */
	static final int FRAME_HEADER_BYTES = 8;

	/**
	 * Bytes at the start of every frame that {@link #readPrefix} reads: the frame header,
	 * the version, the sequence and the time of the journaling.
	 */
	static final int PREFIX_BYTES = FRAME_HEADER_BYTES + 1 + 8 + 8 + 4;

	private static final int MIN_PAYLOAD_BYTES = PREFIX_BYTES - FRAME_HEADER_BYTES + 4 + 4 + 4 + 4 + 4 + 4;

	private JournalEntryCodec() {
	}

	/**
	 * Encode an entry as a complete frame.
	 * @param sequence the sequence of the entry
	 * @param entry the entry
	 * @return the frame, ready to be written
	 */
	static ByteBuffer encode(long sequence, JournalEntry entry) {
		byte[] topic = utf8(entry.topic());
		byte[] reason = utf8(entry.reason());
		List<byte[]> headerNames = new ArrayList<>(entry.headers().size());
		long size = MIN_PAYLOAD_BYTES + topic.length + reason.length + length(entry.key()) + length(entry.value());
		for (Header header : entry.headers()) {
			byte[] name = utf8(header.key());
			headerNames.add(name);
			size += 4 + name.length + 4 + length(header.value());
		}
		if (size > Integer.MAX_VALUE - FRAME_HEADER_BYTES) {
			throw new IllegalArgumentException("A journal entry of " + size + " bytes is too large");
		}
		ByteBuffer frame = ByteBuffer.allocate(FRAME_HEADER_BYTES + (int) size);
		frame.putInt((int) size).putInt(0);
		frame.put(VERSION).putLong(sequence);
		frame.putLong(entry.journaledAt().getEpochSecond()).putInt(entry.journaledAt().getNano());
		putBytes(frame, topic);
		frame.putInt((entry.partition() != null) ? entry.partition() : -1);
		putBytes(frame, entry.key());
		putBytes(frame, entry.value());
		frame.putInt(entry.headers().size());
		for (int i = 0; i < headerNames.size(); i++) {
			putBytes(frame, headerNames.get(i));
			putBytes(frame, entry.headers().get(i).value());
		}
		putBytes(frame, reason);
		frame.putInt(4, checksum(frame.array(), FRAME_HEADER_BYTES, (int) size));
		return frame.flip();
	}

	/**
	 * Check and decode a payload.
	 * @param checksum the checksum read from the frame header
	 * @param payload the payload, from its position to its limit, backed by an array
	 * @return the entry
	 * @throws CorruptFrameException if the checksum does not match or the payload cannot
	 * be read
	 */
	static JournalEntry.Stored decode(int checksum, ByteBuffer payload) throws CorruptFrameException {
		int actual = checksum(payload.array(), payload.arrayOffset() + payload.position(), payload.remaining());
		if (actual != checksum) {
			throw new CorruptFrameException("checksum mismatch (expected " + Integer.toHexString(checksum) + ", actual "
					+ Integer.toHexString(actual) + ")");
		}
		try {
			byte version = payload.get();
			if (version != VERSION) {
				throw new CorruptFrameException("unknown format version " + version);
			}
			long sequence = payload.getLong();
			Instant journaledAt = Instant.ofEpochSecond(payload.getLong(), payload.getInt());
			String topic = string(payload);
			int partition = payload.getInt();
			byte[] key = bytes(payload);
			byte[] value = bytes(payload);
			int headerCount = payload.getInt();
			if (headerCount < 0 || headerCount > payload.remaining() / 8) {
				throw new CorruptFrameException("invalid header count " + headerCount);
			}
			List<Header> headers = new ArrayList<>(headerCount);
			for (int i = 0; i < headerCount; i++) {
				headers.add(new RecordHeader(string(payload), bytes(payload)));
			}
			String reason = string(payload);
			if (payload.hasRemaining()) {
				throw new CorruptFrameException(payload.remaining() + " unexpected bytes after the entry");
			}
			return new JournalEntry.Stored(sequence, new JournalEntry(topic, (partition >= 0) ? partition : null, key,
					value, headers, journaledAt, reason));
		}
		catch (BufferUnderflowException | IllegalArgumentException | DateTimeException ex) {
			throw new CorruptFrameException("unreadable entry (" + ex + ")");
		}
	}

	/**
	 * Read the sequence and time of journaling from the first {@link #PREFIX_BYTES} of a
	 * frame that was checked before.
	 * @param prefix the prefix
	 * @return the prefix' content
	 */
	static Prefix readPrefix(ByteBuffer prefix) {
		int length = prefix.getInt(0);
		long sequence = prefix.getLong(FRAME_HEADER_BYTES + 1);
		Instant journaledAt = Instant.ofEpochSecond(prefix.getLong(FRAME_HEADER_BYTES + 9),
				prefix.getInt(FRAME_HEADER_BYTES + 17));
		return new Prefix(FRAME_HEADER_BYTES + length, sequence, journaledAt);
	}

	/**
	 * Return whether a payload length read from a frame header is possible.
	 * @param length the length
	 * @return whether it is at least the smallest payload
	 */
	static boolean isPlausibleLength(int length) {
		return length >= MIN_PAYLOAD_BYTES && length <= Integer.MAX_VALUE - FRAME_HEADER_BYTES;
	}

	private static int checksum(byte[] bytes, int offset, int length) {
		CRC32C crc = new CRC32C();
		crc.update(bytes, offset, length);
		return (int) crc.getValue();
	}

	private static byte[] utf8(String string) {
		return string.getBytes(StandardCharsets.UTF_8);
	}

	private static int length(byte @Nullable [] bytes) {
		return (bytes != null) ? bytes.length : 0;
	}

	private static void putBytes(ByteBuffer buffer, byte @Nullable [] bytes) {
		if (bytes == null) {
			buffer.putInt(-1);
		}
		else {
			buffer.putInt(bytes.length).put(bytes);
		}
	}

	private static String string(ByteBuffer buffer) throws CorruptFrameException {
		byte[] bytes = bytes(buffer);
		if (bytes == null) {
			throw new CorruptFrameException("missing string");
		}
		return new String(bytes, StandardCharsets.UTF_8);
	}

	private static byte @Nullable [] bytes(ByteBuffer buffer) throws CorruptFrameException {
		int length = buffer.getInt();
		if (length == -1) {
			return null;
		}
		if (length < 0 || length > buffer.remaining()) {
			throw new CorruptFrameException("invalid length " + length);
		}
		byte[] bytes = new byte[length];
		buffer.get(bytes);
		return bytes;
	}

	/**
	 * The start of a frame.
	 *
	 * @param frameBytes the size of the whole frame
	 * @param sequence the sequence of the entry
	 * @param journaledAt when the entry was journaled
	 */
	record Prefix(int frameBytes, long sequence, Instant journaledAt) {

	}

	/**
	 * A frame that cannot be read: its checksum does not match or its payload is not an
	 * entry.
	 */
	static final class CorruptFrameException extends Exception {

		CorruptFrameException(String message) {
			super(message);
		}

	}

}
