package dev.lossless.kafka.consumer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.support.serializer.SerializationUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which records of a batch the dead-lettering interceptor takes out: those whose key or
 * value an {@code ErrorHandlingDeserializer} could not read (it hands them over as
 * {@code null}), not records that carry an exception header and a value.
 */
class DeadLetteringBatchInterceptorTests {

	private static final TopicPartition PARTITION = new TopicPartition("orders", 0);

	private final List<ConsumerRecord<?, ?>> deadLetters = new ArrayList<>();

	private final DeadLetteringBatchInterceptor interceptor = new DeadLetteringBatchInterceptor(
			(record, ex) -> this.deadLetters.add(record), new DeadLetteredBatchRecords(), null, "group");

	@Test
	void recordWhoseValueCouldNotBeDeserializedIsDeadLettered() {
		ConsumerRecord<Object, Object> undeserializable = record(0, null);
		failedDeserialization(undeserializable.headers(), false);
		ConsumerRecord<Object, Object> good = record(1, "b");

		ConsumerRecords<Object, Object> kept = this.interceptor.intercept(batch(undeserializable, good),
				new MockConsumer<>("earliest"));

		assertThat(this.deadLetters).containsExactly(undeserializable);
		assertThat(kept).isNotNull();
		assertThat(kept.records(PARTITION)).containsExactly(good);
	}

	@Test
	void recordWhoseKeyCouldNotBeDeserializedIsDeadLettered() {
		ConsumerRecord<Object, Object> undeserializable = record(0, "a");
		failedDeserialization(undeserializable.headers(), true);

		ConsumerRecords<Object, Object> kept = this.interceptor.intercept(batch(undeserializable),
				new MockConsumer<>("earliest"));

		assertThat(this.deadLetters).containsExactly(undeserializable);
		assertThat(kept).isNull();
	}

	@Test
	void recordWithAValueIsHandedOverWhateverExceptionHeaderItCarries() {
		// a header left by another application, read by a deserializer that cannot fail
		// and is therefore not wrapped: the record was deserialized
		ConsumerRecord<Object, Object> record = record(0, "a");
		failedDeserialization(record.headers(), false);
		ConsumerRecords<Object, Object> batch = batch(record);

		ConsumerRecords<Object, Object> kept = this.interceptor.intercept(batch, new MockConsumer<>("earliest"));

		assertThat(this.deadLetters).isEmpty();
		assertThat(kept).isSameAs(batch);
	}

	private static ConsumerRecord<Object, Object> record(long offset, Object value) {
		return new ConsumerRecord<>(PARTITION.topic(), PARTITION.partition(), offset, null, value);
	}

	private static void failedDeserialization(Headers headers, boolean key) {
		SerializationUtils.deserializationException(headers, "x".getBytes(StandardCharsets.UTF_8),
				new IllegalStateException("cannot read"), key);
	}

	@SafeVarargs
	private static ConsumerRecords<Object, Object> batch(ConsumerRecord<Object, Object>... records) {
		long next = records[records.length - 1].offset() + 1;
		return new ConsumerRecords<>(Map.of(PARTITION, List.of(records)),
				Map.of(PARTITION, new OffsetAndMetadata(next)));
	}

}
