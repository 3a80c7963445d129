package dev.lossless.kafka.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import dev.lossless.kafka.producer.StampKeepingRecord;
import dev.lossless.kafka.sequence.SequenceStamp;
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
 * @param stampPartition the partition of the first attempt whose stamp the row keeps, or
 * {@code null}
 * @param stamp the sequence stamp of the first attempt that failed after the client took
 * it, or {@code null}
 * @author Lossless Kafka team
 */
record OutboxRow(long id, String messageId, int lane, String topic, @Nullable Integer partition,
		@Nullable Long timestamp, byte @Nullable [] key, byte @Nullable [] value, byte @Nullable [] headers,
		Instant createdAt, int attempts, @Nullable Integer stampPartition, @Nullable SequenceStamp stamp) {

	StampKeepingRecord<byte[], byte[]> toProducerRecord() {
		List<Header> recordHeaders = OutboxHeaders.decode(this.headers);
		// a stamp among the application's headers was another record's (a forwarded one)
		recordHeaders.removeIf((header) -> OutboxMessage.MESSAGE_ID_HEADER.equals(header.key())
				|| SequenceStamp.HEADER.equals(header.key()) || SequenceStamp.REPLAYED_HEADER.equals(header.key()));
		recordHeaders
			.add(new RecordHeader(OutboxMessage.MESSAGE_ID_HEADER, this.messageId.getBytes(StandardCharsets.UTF_8)));
		Integer partition = this.partition;
		if (this.stamp != null && this.stampPartition != null) {
			// sent again as the same message: the stamp and partition of its first
			// attempt
			recordHeaders.add(new RecordHeader(SequenceStamp.HEADER, this.stamp.toBytes()));
			recordHeaders.add(new RecordHeader(SequenceStamp.REPLAYED_HEADER, new byte[0]));
			partition = this.stampPartition;
		}
		return new StampKeepingRecord<>(this.topic, partition, this.timestamp, this.key, this.value, recordHeaders);
	}

}
