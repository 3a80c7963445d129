package dev.lossless.kafka.idempotent;

import java.nio.charset.StandardCharsets;

import dev.lossless.kafka.sequence.SequenceStamp;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MessageIds}.
 */
class MessageIdsTests {

	@Test
	void messageIdHeaderComesFirst() {
		ConsumerRecord<String, String> record = record(5);
		record.headers().add(SequenceStamp.HEADER, new SequenceStamp(0xabL, 42).toBytes());
		record.headers().add(MessageIds.HEADER, "order-17".getBytes(StandardCharsets.UTF_8));
		assertThat(MessageIds.of(record)).isEqualTo("order-17");
	}

	@Test
	void sequenceStampIdentifiesTheSendWhateverTheOffset() {
		ConsumerRecord<String, String> first = record(5);
		first.headers().add(SequenceStamp.HEADER, new SequenceStamp(0xabL, 42).toBytes());
		ConsumerRecord<String, String> replayed = record(900);
		replayed.headers().add(SequenceStamp.HEADER, new SequenceStamp(0xabL, 42).toBytes());
		assertThat(MessageIds.of(first)).isEqualTo("seq:00000000000000ab:orders-3:42")
			.isEqualTo(MessageIds.of(replayed));
	}

	@Test
	void otherRecordsAreIdentifiedByTheirOffset() {
		assertThat(MessageIds.of(record(5))).isEqualTo("offset:orders-3@5");
	}

	@Test
	void emptyMessageIdHeaderIsIgnored() {
		ConsumerRecord<String, String> record = record(5);
		record.headers().add(MessageIds.HEADER, new byte[0]);
		assertThat(MessageIds.of(record)).isEqualTo("offset:orders-3@5");
	}

	private static ConsumerRecord<String, String> record(long offset) {
		return new ConsumerRecord<>("orders", 3, offset, "key", "value");
	}

}
