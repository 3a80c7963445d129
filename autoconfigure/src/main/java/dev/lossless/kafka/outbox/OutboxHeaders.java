package dev.lossless.kafka.outbox;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.jspecify.annotations.Nullable;

/**
 * Encodes record headers in one column: a count, then each header's key (length and UTF-8
 * bytes) and value (length, {@code -1} for {@code null}, and bytes), lengths as 4-byte
 * big-endian integers.
 *
 * @author Lossless Kafka team
 */
final class OutboxHeaders {

	private OutboxHeaders() {
	}

	static byte @Nullable [] encode(Iterable<Header> headers) {
		List<byte[]> keys = new ArrayList<>();
		List<byte @Nullable []> values = new ArrayList<>();
		int size = 4;
		for (Header header : headers) {
			byte[] key = header.key().getBytes(StandardCharsets.UTF_8);
			keys.add(key);
			values.add(header.value());
			size += 8 + key.length + ((header.value() != null) ? header.value().length : 0);
		}
		if (keys.isEmpty()) {
			return null;
		}
		ByteBuffer buffer = ByteBuffer.allocate(size);
		buffer.putInt(keys.size());
		for (int i = 0; i < keys.size(); i++) {
			buffer.putInt(keys.get(i).length).put(keys.get(i));
			byte[] value = values.get(i);
			if (value == null) {
				buffer.putInt(-1);
			}
			else {
				buffer.putInt(value.length).put(value);
			}
		}
		return buffer.array();
	}

	/**
	 * Decode headers written by {@link #encode(Iterable)}.
	 * @param encoded the encoded headers
	 * @return the headers
	 * @throws IllegalArgumentException if the bytes are not encoded headers: a count or
	 * length that the bytes cannot hold
	 */
	static List<Header> decode(byte @Nullable [] encoded) {
		if (encoded == null || encoded.length == 0) {
			return new ArrayList<>();
		}
		ByteBuffer buffer = ByteBuffer.wrap(encoded);
		// each stored length is checked against the bytes left before it is allocated, so
		// that an absurd one fails the row, not the relay; a header takes at least 8
		// bytes
		int count = readInt(buffer, "header count");
		if (count < 0 || count > buffer.remaining() / 8) {
			throw corrupt("header count " + count, buffer);
		}
		List<Header> headers = new ArrayList<>(count + 2);
		for (int i = 0; i < count; i++) {
			byte[] key = bytes(buffer, readInt(buffer, "key length"), "key length");
			int valueLength = readInt(buffer, "value length");
			byte[] value = (valueLength != -1) ? bytes(buffer, valueLength, "value length") : null;
			headers.add(new RecordHeader(new String(key, StandardCharsets.UTF_8), value));
		}
		if (buffer.hasRemaining()) {
			throw corrupt(buffer.remaining() + " byte(s) after the last header", buffer);
		}
		return headers;
	}

	private static int readInt(ByteBuffer buffer, String what) {
		if (buffer.remaining() < 4) {
			throw corrupt(what + " missing", buffer);
		}
		return buffer.getInt();
	}

	private static byte[] bytes(ByteBuffer buffer, int length, String what) {
		if (length < 0 || length > buffer.remaining()) {
			throw corrupt(what + " " + length, buffer);
		}
		byte[] bytes = new byte[length];
		buffer.get(bytes);
		return bytes;
	}

	private static IllegalArgumentException corrupt(String what, ByteBuffer buffer) {
		return new IllegalArgumentException(
				"Outbox row has corrupt headers: " + what + " at byte " + buffer.position() + " of " + buffer.limit());
	}

}
