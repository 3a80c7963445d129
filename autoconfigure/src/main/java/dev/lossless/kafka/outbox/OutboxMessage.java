package dev.lossless.kafka.outbox;

import java.nio.charset.StandardCharsets;

import dev.lossless.kafka.support.LosslessHeaders;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * What the outbox adds to the records it publishes.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class OutboxMessage {

	/**
	 * The header that carries the message id of an outbox row (a UUID, as a UTF-8
	 * string). The outbox delivers at least once: a record sent again after a crash
	 * carries the same id, so a consumer deduplicates on it.
	 */
	public static final String MESSAGE_ID_HEADER = LosslessHeaders.MESSAGE_ID;

	private OutboxMessage() {
	}

	/**
	 * Return the message id a record carries.
	 * @param headers the record's headers
	 * @return the id, or {@code null} when the record did not come from the outbox
	 */
	public static @Nullable String messageId(Headers headers) {
		Header header = headers.lastHeader(MESSAGE_ID_HEADER);
		return (header != null && header.value() != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

}
