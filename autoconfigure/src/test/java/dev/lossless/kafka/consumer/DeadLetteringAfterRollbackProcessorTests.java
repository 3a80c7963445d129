package dev.lossless.kafka.consumer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ContainerProperties.EOSMode;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.util.backoff.FixedBackOff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * Tests for {@link DeadLetteringAfterRollbackProcessor}: which failures count against a
 * record, and that nothing is skipped unless it was recovered.
 */
class DeadLetteringAfterRollbackProcessorTests {

	private static final TopicPartition PARTITION = new TopicPartition("orders", 0);

	private final List<ConsumerRecord<?, ?>> recovered = new ArrayList<>();

	private final MockConsumer<Object, Object> consumer = new MockConsumer<>("earliest");

	@SuppressWarnings("unchecked")
	private final KafkaOperations<Object, Object> offsets = mock(KafkaOperations.class);

	private final MessageListenerContainer container = mock(MessageListenerContainer.class);

	private final List<ConsumerRecord<Object, Object>> records = List.of(record(5), record(6));

	@BeforeEach
	void assign() {
		given(this.offsets.isTransactional()).willReturn(true);
		given(this.container.getContainerProperties()).willReturn(new ContainerProperties("orders"));
		this.consumer.assign(List.of(PARTITION));
		this.consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
	}

	@Test
	void listenerFailureIsRetriedThenRecoveredAndItsOffsetSentToTheTransaction() {
		DeadLetteringAfterRollbackProcessor processor = processor((record, ex) -> this.recovered.add(record));
		process(processor, listenerFailure(new IllegalStateException("poison")));
		assertThat(this.recovered).isEmpty();
		assertThat(this.consumer.position(PARTITION)).isEqualTo(5);
		process(processor, listenerFailure(new IllegalStateException("poison")));
		assertThat(this.recovered).extracting(ConsumerRecord::offset).containsExactly(5L);
		assertThat(this.consumer.position(PARTITION)).isEqualTo(6);
		verify(this.offsets).sendOffsetsToTransaction(eq(Map.of(PARTITION, new OffsetAndMetadata(6))), any());
	}

	@Test
	void failedDeadLetterPublishLeavesTheRecordToBeRetried() {
		DeadLetteringAfterRollbackProcessor processor = processor((record, ex) -> {
			throw new KafkaException("dead-letter topic unavailable");
		});
		for (int attempt = 0; attempt < 4; attempt++) {
			process(processor, listenerFailure(new IllegalStateException("poison")));
			assertThat(this.consumer.position(PARTITION)).isEqualTo(5);
		}
		verify(this.offsets, never()).sendOffsetsToTransaction(any(), any());
	}

	@Test
	void failureOutsideTheListenerIsRetriedWithoutCountingAnAttempt() {
		DeadLetteringAfterRollbackProcessor processor = processor((record, ex) -> this.recovered.add(record));
		for (int attempt = 0; attempt < 4; attempt++) {
			// the commit of the transaction timed out during a broker failover
			process(processor, new TimeoutException("Timeout expired while awaiting EndTxn"));
			assertThat(this.consumer.position(PARTITION)).isEqualTo(5);
		}
		assertThat(this.recovered).isEmpty();
		process(processor, listenerFailure(new IllegalStateException("poison")));
		assertThat(this.recovered).as("first attempt held against the record").isEmpty();
	}

	@Test
	void failureOutsideTheListenerThatWouldFailAgainCountsAgainstTheRecord() {
		DeadLetteringAfterRollbackProcessor processor = processor((record, ex) -> this.recovered.add(record));
		// the commit failed because the listener sent a record the broker refuses
		KafkaException commitFailure = new KafkaException("Cannot execute transactional method",
				new RecordTooLargeException("The message is 2000000 bytes"));
		process(processor, commitFailure);
		assertThat(this.recovered).isEmpty();
		process(processor, commitFailure);
		assertThat(this.recovered).extracting(ConsumerRecord::offset).containsExactly(5L);
	}

	@Test
	void fencedProducerSeeksBackAndStopsTheContainerWithoutRecovering() {
		DeadLetteringAfterRollbackProcessor processor = processor((record, ex) -> this.recovered.add(record));
		this.consumer.seek(PARTITION, 7);
		process(processor, listenerFailure(new KafkaException("Send failed", new InvalidProducerEpochException(
				"Producer with transactionalId 'orders-0' attempted to produce with an old epoch"))));
		assertThat(this.consumer.position(PARTITION)).isEqualTo(5);
		verify(this.container).stopAbnormally(any());
		process(processor, new ProducerFencedException("fenced"));
		process(processor, listenerFailure(new ProducerFencedException("fenced")));
		assertThat(this.recovered).isEmpty();
		verify(this.offsets, never()).sendOffsetsToTransaction(any(), any());
	}

	@Test
	void recordsABatchListenerNamesInTurnAreEachRecoveredAfterTheirAttempts() {
		// a batch re-fetched after a rollback may start with another partition, and the
		// listener then names another failed record first: each keeps its attempts
		TopicPartition other = new TopicPartition("orders", 1);
		this.consumer.assign(List.of(PARTITION, other));
		this.consumer.updateBeginningOffsets(Map.of(PARTITION, 0L, other, 0L));
		given(this.container.getGroupId()).willReturn("group");
		DeadLetteringAfterRollbackProcessor processor = processor((record, ex) -> this.recovered.add(record));
		processor.setDeadLetteredBatchRecords(new DeadLetteredBatchRecords());
		ConsumerRecord<Object, Object> first = record(5);
		ConsumerRecord<Object, Object> second = new ConsumerRecord<>(other.topic(), other.partition(), 5, "key",
				"value-5");
		for (int delivery = 0; delivery < 4; delivery++) {
			ConsumerRecord<Object, Object> named = (delivery % 2 == 0) ? first : second;
			List<ConsumerRecord<Object, Object>> batch = (delivery % 2 == 0) ? List.of(first, second)
					: List.of(second, first);
			processor.processBatch(ConsumerRecords.empty(), batch, this.consumer, this.container,
					listenerFailure(new BatchListenerFailedException("poison", named)), true, EOSMode.V2);
		}
		assertThat(this.recovered).containsExactly(first, second);
	}

	private DeadLetteringAfterRollbackProcessor processor(ConsumerRecordRecoverer recoverer) {
		// two attempts, no waiting
		return new DeadLetteringAfterRollbackProcessor(recoverer, new FixedBackOff(0, 1), this.offsets);
	}

	private void process(DeadLetteringAfterRollbackProcessor processor, Exception exception) {
		processor.process(this.records, this.consumer, this.container, exception, true, EOSMode.V2);
	}

	private static ListenerExecutionFailedException listenerFailure(Throwable cause) {
		return new ListenerExecutionFailedException("Listener failed", cause);
	}

	private static ConsumerRecord<Object, Object> record(long offset) {
		return new ConsumerRecord<>(PARTITION.topic(), PARTITION.partition(), offset, "key", "value-" + offset);
	}

}
