package dev.lossless.kafka.producer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import dev.lossless.kafka.sequence.SequenceStamp;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;

/**
 * The stamps of messages whose send failed after the client took them, kept until the
 * message is sent again, so that it carries the stamp of its first attempt. Such a send
 * may or may not have been written (a delivery timeout is ambiguous), and its number is
 * used up either way: sent again with a new number, the consumer would see the first
 * number as a gap that never closes; with the same stamp it sees a late record or a
 * duplicate. What makes two records the same message is a function of the record (for
 * dead letters: the failed record's topic, partition, offset and consumer group).
 * <p>
 * Memory is bounded: beyond {@value #MAX_MESSAGES} messages waiting to be sent again, the
 * one that failed first is forgotten, and its next attempt takes a new number (the
 * consumer then sees a gap: shown, not hidden).
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class ResentStamps {

	static final int MAX_MESSAGES = 10_000;

	private final Function<ProducerRecord<?, ?>, @Nullable Object> messages;

	private final Map<Object, Remembered> stamps = new LinkedHashMap<>() {

		@Override
		protected boolean removeEldestEntry(Map.Entry<Object, Remembered> eldest) {
			return size() > MAX_MESSAGES;
		}

	};

	/**
	 * Create an instance.
	 * @param messages returns the identity of the message a record carries, the same for
	 * each attempt to send it, or {@code null} for a record that is never sent again
	 */
	ResentStamps(Function<ProducerRecord<?, ?>, @Nullable Object> messages) {
		this.messages = messages;
	}

	@Nullable Object messageOf(ProducerRecord<?, ?> record) {
		return this.messages.apply(record);
	}

	/**
	 * Return the stamp an earlier, failed attempt to send a message to the same partition
	 * took.
	 * @param message the message
	 * @param topic the topic it is sent to
	 * @param partition the partition it is sent to
	 * @return the stamp, or {@code null}
	 */
	synchronized @Nullable SequenceStamp stampOf(Object message, String topic, int partition) {
		Remembered remembered = this.stamps.get(message);
		return (remembered != null && remembered.partition() == partition && remembered.topic().equals(topic))
				? remembered.stamp() : null;
	}

	synchronized void failed(Object message, String topic, int partition, SequenceStamp stamp) {
		this.stamps.put(message, new Remembered(topic, partition, stamp));
	}

	/**
	 * Forget a message's stamp because its number was given back (the send failed before
	 * the client took it).
	 */
	synchronized void givenBack(Object message, String topic, int partition, SequenceStamp stamp) {
		this.stamps.remove(message, new Remembered(topic, partition, stamp));
	}

	synchronized void sent(Object message) {
		this.stamps.remove(message);
	}

	synchronized int size() {
		return this.stamps.size();
	}

	private record Remembered(String topic, int partition, SequenceStamp stamp) {
	}

}
