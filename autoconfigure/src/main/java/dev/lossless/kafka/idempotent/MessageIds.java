package dev.lossless.kafka.idempotent;

import java.nio.charset.StandardCharsets;

import dev.lossless.kafka.sequence.SequenceStamp;
import dev.lossless.kafka.support.LosslessHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The id of the message a record carries, the key of idempotent processing. In order:
 * <ol>
 * <li>the {@value #HEADER} header (UTF-8), which the outbox relay sets to its row's UUID
 * and an application may set to a business id: it survives every resend, the outbox's
 * republish after a crash included;</li>
 * <li>the starter's sequence stamp: producer id, topic, partition and sequence number,
 * the same on a send journal's replay and on every redelivery of the record;</li>
 * <li>the record's topic, partition and offset, which only tell a redelivery of the same
 * record (after a crash or a rebalance) from a new one: a copy the producer wrote twice
 * has another offset.</li>
 * </ol>
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class MessageIds {

	/**
	 * The name of the header that carries a message id, set by the outbox relay.
	 */
	public static final String HEADER = LosslessHeaders.MESSAGE_ID;

	private MessageIds() {
	}

	/**
	 * Return the id of the message a record carries.
	 * @param record the record
	 * @return its message id, never {@code null}
	 */
	public static String of(ConsumerRecord<?, ?> record) {
		Header header = record.headers().lastHeader(HEADER);
		if (header != null && header.value() != null && header.value().length > 0) {
			return new String(header.value(), StandardCharsets.UTF_8);
		}
		SequenceStamp stamp = SequenceStamp.from(record.headers());
		if (stamp != null) {
			return "seq:" + stamp.producerHex() + ":" + record.topic() + "-" + record.partition() + ":"
					+ stamp.sequence();
		}
		return "offset:" + record.topic() + "-" + record.partition() + "@" + record.offset();
	}

}
