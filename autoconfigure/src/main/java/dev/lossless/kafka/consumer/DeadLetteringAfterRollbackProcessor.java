package dev.lossless.kafka.consumer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.lossless.kafka.rules.DeadLettering;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.ContainerProperties.EOSMode;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.util.backoff.BackOff;

/**
 * The starter's {@link DefaultAfterRollbackProcessor}, which handles the failures of
 * transactional listener containers in place of the error handler. After a rolled back
 * transaction it seeks back to the failed record and the records behind it, retries with
 * back-off, then hands the record to its recoverer (the dead-letter topic) and sends the
 * recovered record's offset to a new transaction; a recoverer that throws leaves the
 * record to be retried, never skipped. Two failures are not held against the record:
 * <ul>
 * <li>a fenced producer ({@link ProducerFencedException},
 * {@link InvalidProducerEpochException}, also as the cause of a listener's failed send):
 * the records are sought back and the container is stopped, as spring-kafka does for a
 * fenced commit with {@code stopContainerWhenFenced};</li>
 * <li>a transient failure outside the listener (the transaction's commit timing out
 * during a broker failover, a rebalance): the records are sought back and retried after
 * the back-off, without counting an attempt, so that no good record reaches the
 * dead-letter topic because the cluster was briefly unavailable. A failure outside the
 * listener that is not transient (a record of the listener's too large for the broker,
 * for instance) counts like a failure of the listener.</li>
 * </ul>
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class DeadLetteringAfterRollbackProcessor extends DefaultAfterRollbackProcessor<Object, Object>
		implements DeadLettering {

	private static final int MAX_CAUSES = 16;

	private final boolean deadLettering;

	/**
	 * Create an instance.
	 * @param recoverer the recoverer of records whose attempts are exhausted
	 * @param backOff the back-off between attempts
	 * @param offsets the template, on the transaction manager's producer factory, that
	 * sends a recovered record's offset to the transaction
	 */
	public DeadLetteringAfterRollbackProcessor(ConsumerRecordRecoverer recoverer, BackOff backOff,
			KafkaOperations<?, ?> offsets) {
		super(recoverer, backOff, offsets, true);
		this.deadLettering = recoverer instanceof DeadLetterPublishingRecoverer;
	}

	/**
	 * Return whether the recoverer publishes failed records to a dead-letter topic.
	 * @return whether failed records are dead-lettered
	 */
	@Override
	public boolean isDeadLettering() {
		return this.deadLettering;
	}

	@Override
	public void process(List<ConsumerRecord<Object, Object>> records, Consumer<Object, Object> consumer,
			@Nullable MessageListenerContainer container, Exception exception, boolean recoverable, EOSMode eosMode) {
		if (hasCause(exception, ProducerFencedException.class, InvalidProducerEpochException.class)) {
			seekBack(records, consumer);
			this.logger.error(exception, () -> "Producer fenced; the records from " + first(records)
					+ " on are sought back and the container is stopped");
			if (container != null) {
				container.stopAbnormally(() -> {
				});
			}
			return;
		}
		boolean transientOutsideListener = !(exception instanceof ListenerExecutionFailedException)
				&& hasCause(exception, RetriableException.class, TransactionAbortableException.class,
						CommitFailedException.class, RebalanceInProgressException.class);
		super.process(records, consumer, container, exception, recoverable && !transientOutsideListener, eosMode);
	}

	private static boolean hasCause(Throwable exception, Class<?>... types) {
		Throwable cause = exception;
		for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++) {
			for (Class<?> type : types) {
				if (type.isInstance(cause)) {
					return true;
				}
			}
			cause = cause.getCause();
		}
		return false;
	}

	private static void seekBack(List<ConsumerRecord<Object, Object>> records, Consumer<Object, Object> consumer) {
		Map<TopicPartition, Long> starts = new LinkedHashMap<>();
		records.forEach((record) -> starts.putIfAbsent(new TopicPartition(record.topic(), record.partition()),
				record.offset()));
		starts.forEach(consumer::seek);
	}

	private static String first(List<ConsumerRecord<Object, Object>> records) {
		if (records.isEmpty()) {
			return "none";
		}
		ConsumerRecord<Object, Object> record = records.get(0);
		return record.topic() + "-" + record.partition() + "@" + record.offset();
	}

}
