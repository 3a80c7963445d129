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

	static List<Header> decode(byte @Nullable [] encoded) {
		if (encoded == null || encoded.length == 0) {
			return new ArrayList<>();
		}
		ByteBuffer buffer = ByteBuffer.wrap(encoded);
		int count = buffer.getInt();
		List<Header> headers = new ArrayList<>(count + 2);
		for (int i = 0; i < count; i++) {
			byte[] key = new byte[buffer.getInt()];
			buffer.get(key);
			int length = buffer.getInt();
			byte[] value = null;
			if (length >= 0) {
				value = new byte[length];
				buffer.get(value);
			}
			headers.add(new RecordHeader(new String(key, StandardCharsets.UTF_8), value));
		}
		return headers;
	}

}
