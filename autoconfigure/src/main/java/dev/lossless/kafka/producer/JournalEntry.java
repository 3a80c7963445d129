package dev.lossless.kafka.producer;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A record whose send failed for good, as kept by the {@link SendJournal}: what is needed
 * to send it again unchanged, when it was journaled and why.
 * <p>
 * The record's timestamp is not kept: a replayed record gets the time of its replay, so
 * that time-based retention and {@code message.timestamp.*} limits of the topic do not
 * turn a late delivery into a rejection.
 *
 * @param topic the topic
 * @param partition the partition, or {@code null} to let the producer's partitioner
 * choose
 * @param key the serialized key, or {@code null}
 * @param value the serialized value, or {@code null}
 * @param headers the headers, in order (copied as {@link RecordHeader name and bytes})
 * @param journaledAt when the record was journaled
 * @param reason why the send failed
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public record JournalEntry(String topic, @Nullable Integer partition, byte @Nullable [] key, byte @Nullable [] value,
		List<Header> headers, Instant journaledAt, String reason) {

	/**
	 * Create an instance.
	 * @param topic the topic
	 * @param partition the partition, or {@code null}
	 * @param key the serialized key, or {@code null}
	 * @param value the serialized value, or {@code null}
	 * @param headers the headers, in order
	 * @param journaledAt when the record was journaled
	 * @param reason why the send failed
	 */
	public JournalEntry {
		Assert.hasText(topic, "'topic' must not be empty");
		Assert.isTrue(partition == null || partition >= 0, "'partition' must not be negative");
		Assert.notNull(headers, "'headers' cannot be null");
		Assert.notNull(journaledAt, "'journaledAt' cannot be null");
		Assert.notNull(reason, "'reason' cannot be null");
		headers = headers.stream().map((header) -> (Header) new RecordHeader(header.key(), header.value())).toList();
	}

	/**
	 * Create an entry for a record of bytes whose send failed now.
	 * @param record the record, as it was sent
	 * @param reason why the send failed
	 * @return the entry
	 */
	public static JournalEntry of(ProducerRecord<byte[], byte[]> record, String reason) {
		return new JournalEntry(record.topic(), record.partition(), record.key(), record.value(),
				Arrays.asList(record.headers().toArray()), Instant.now(), reason);
	}

	/**
	 * Return the record to send again: same topic, partition (if set), key, value and
	 * headers; no timestamp, so that the producer stamps the time of the replay.
	 * @return the record
	 */
	public ProducerRecord<byte[], byte[]> toProducerRecord() {
		return new ProducerRecord<>(this.topic, this.partition, null, this.key, this.value, this.headers);
	}

	@Override
	public boolean equals(@Nullable Object other) {
		if (this == other) {
			return true;
		}
		return other instanceof JournalEntry that && this.topic.equals(that.topic)
				&& Objects.equals(this.partition, that.partition) && Arrays.equals(this.key, that.key)
				&& Arrays.equals(this.value, that.value) && this.headers.equals(that.headers)
				&& this.journaledAt.equals(that.journaledAt) && this.reason.equals(that.reason);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.topic, this.partition, Arrays.hashCode(this.key), Arrays.hashCode(this.value),
				this.headers, this.journaledAt, this.reason);
	}

	@Override
	public String toString() {
		return "JournalEntry[topic=" + this.topic + ", partition=" + this.partition + ", key=" + length(this.key)
				+ ", value=" + length(this.value) + ", headers=" + this.headers.size() + ", journaledAt="
				+ this.journaledAt + ", reason=" + this.reason + "]";
	}

	private static String length(byte @Nullable [] bytes) {
		return (bytes != null) ? bytes.length + " bytes" : "null";
	}

	/**
	 * An entry as read back from the journal, with its position in it.
	 *
	 * @param sequence the sequence number the journal gave the entry: increases by one
	 * with every append and is never reused
	 * @param entry the entry
	 */
	public record Stored(long sequence, JournalEntry entry) {

	}

}
