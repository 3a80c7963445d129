package dev.lossless.kafka.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.jspecify.annotations.Nullable;

/**
 * A pending row of the outbox table.
 *
 * @param id the row's id, in insertion order
 * @param messageId the message id sent as {@link OutboxMessage#MESSAGE_ID_HEADER}
 * @param lane the lane of the row's key
 * @param topic the topic
 * @param partition the partition, or {@code null} to let the producer choose
 * @param timestamp the record's timestamp, or {@code null} for the time of the send
 * @param key the serialized key
 * @param value the serialized value
 * @param headers the encoded headers
 * @param createdAt when the row was written
 * @param attempts failed sends of the row so far
 * @author Lossless Kafka team
 */
record OutboxRow(long id, String messageId, int lane, String topic, @Nullable Integer partition,
		@Nullable Long timestamp, byte @Nullable [] key, byte @Nullable [] value, byte @Nullable [] headers,
		Instant createdAt, int attempts) {

	ProducerRecord<byte[], byte[]> toProducerRecord() {
		List<Header> recordHeaders = OutboxHeaders.decode(this.headers);
		recordHeaders.removeIf((header) -> OutboxMessage.MESSAGE_ID_HEADER.equals(header.key()));
		recordHeaders
			.add(new RecordHeader(OutboxMessage.MESSAGE_ID_HEADER, this.messageId.getBytes(StandardCharsets.UTF_8)));
		return new ProducerRecord<>(this.topic, this.partition, this.timestamp, this.key, this.value, recordHeaders);
	}

}
