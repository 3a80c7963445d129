package dev.lossless.kafka.consumer;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import dev.lossless.kafka.rules.DeadLettering;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.ContainerProperties.EOSMode;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.listener.ListenerUtils;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

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
 * A batch listener's batch that was rolled back is retried as a whole; when the listener
 * named the failed record in a {@link BatchListenerFailedException}, that record alone is
 * published to the dead-letter topic once the attempts are exhausted (the
 * {@link DeadLetteredBatchRecords} keep it from the listener when the batch comes again)
 * and the other records are processed; a batch whose failure names no record is retried,
 * then recovered as a whole, as spring-kafka's error handler does for a batch without a
 * transaction.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class DeadLetteringAfterRollbackProcessor extends DefaultAfterRollbackProcessor<Object, Object>
		implements DeadLettering {

	private static final int MAX_CAUSES = 16;

	private final boolean deadLettering;

	private final ConsumerRecordRecoverer recoverer;

	private final BackOff backOff;

	/**
	 * How many records a batch listener named are followed per consumer thread: the
	 * attempts at each, kept while the batch comes again with its records in another
	 * order (a re-fetched batch may start with another partition and the listener then
	 * names another of its failed records first).
	 */
	static final int MAX_NAMED_FAILURES = 64;

	private final Map<Thread, Deque<NamedFailure>> namedFailures = new ConcurrentHashMap<>();

	private @Nullable DeadLetteredBatchRecords deadLetteredBatchRecords;

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
		this.recoverer = recoverer;
		this.backOff = backOff;
	}

	/**
	 * Set where records of batch listeners dead-lettered after a rollback are kept, so
	 * that the batch interceptor keeps them from the listener when the batch comes again;
	 * without it a record named in a {@link BatchListenerFailedException} is retried like
	 * the rest of its batch.
	 * @param deadLetteredBatchRecords the records dead-lettered after a rollback
	 * @since 0.2.0
	 */
	public void setDeadLetteredBatchRecords(DeadLetteredBatchRecords deadLetteredBatchRecords) {
		this.deadLetteredBatchRecords = deadLetteredBatchRecords;
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

	@Override
	public void processBatch(ConsumerRecords<Object, Object> records, List<ConsumerRecord<Object, Object>> recordList,
			Consumer<Object, Object> consumer, @Nullable MessageListenerContainer container, Exception exception,
			boolean recoverable, EOSMode eosMode) {
		BatchListenerFailedException named = namedFailure(exception);
		ConsumerRecord<?, ?> failed = (named != null) ? failedRecord(named, recordList) : null;
		boolean outsideListener = !(exception instanceof ListenerExecutionFailedException);
		if (hasCause(exception, ProducerFencedException.class, InvalidProducerEpochException.class) || (outsideListener
				&& hasCause(exception, RetriableException.class, TransactionAbortableException.class,
						CommitFailedException.class, RebalanceInProgressException.class))) {
			// sought back, fenced or not counted, as for a record listener
			super.processBatch(records, recordList, consumer, container, exception, false, eosMode);
			return;
		}
		if (failed == null || named == null || this.deadLetteredBatchRecords == null || container == null) {
			super.processBatch(records, recordList, consumer, container, exception, true, eosMode);
			return;
		}
		seekBack(recordList, consumer);
		NamedFailure failure = namedFailure(failed);
		failure.attempts++;
		getRetryListeners().forEach((listener) -> listener.failedDelivery(failed, named, failure.attempts));
		long nextBackOff = (getExceptionMatcher().match(named.getCause()) || named.getCause() == null)
				? failure.nextBackOff() : BackOffExecution.STOP;
		if (nextBackOff != BackOffExecution.STOP) {
			try {
				ListenerUtils.stoppableSleep(container, nextBackOff);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return;
		}
		failure.exhausted = true;
		try {
			this.recoverer.accept(failed, named);
		}
		catch (RuntimeException ex) {
			getRetryListeners().forEach((listener) -> listener.recoveryFailed(failed, named, ex));
			this.logger.error(ex, () -> "Dead-letter publishing failed for " + failed.topic() + "-" + failed.partition()
					+ "@" + failed.offset() + "; its batch is delivered again");
			return;
		}
		this.deadLetteredBatchRecords.add(Objects.requireNonNull(container.getGroupId(), "group"), failed);
		Deque<NamedFailure> failures = this.namedFailures.get(Thread.currentThread());
		if (failures != null) {
			failures.remove(failure);
		}
		getRetryListeners().forEach((listener) -> listener.recovered(failed, named));
	}

	/**
	 * Return the attempts at a named record, counted across deliveries of its batch in
	 * which the listener named other records first.
	 */
	private NamedFailure namedFailure(ConsumerRecord<?, ?> failed) {
		Deque<NamedFailure> failures = this.namedFailures.computeIfAbsent(Thread.currentThread(),
				(thread) -> new ArrayDeque<>());
		for (NamedFailure failure : failures) {
			if (failure.isFor(failed)) {
				return failure;
			}
		}
		NamedFailure failure = new NamedFailure(failed, this.backOff.start());
		failures.addFirst(failure);
		if (failures.size() > MAX_NAMED_FAILURES) {
			failures.removeLast();
		}
		return failure;
	}

	private static @Nullable BatchListenerFailedException namedFailure(Throwable exception) {
		Throwable cause = exception;
		for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++) {
			if (cause instanceof BatchListenerFailedException failed) {
				return failed;
			}
			cause = cause.getCause();
		}
		return null;
	}

	private static @Nullable ConsumerRecord<?, ?> failedRecord(BatchListenerFailedException named,
			List<ConsumerRecord<Object, Object>> recordList) {
		ConsumerRecord<?, ?> record = named.getRecord();
		if (record != null) {
			return record;
		}
		int index = named.getIndex();
		return (index >= 0 && index < recordList.size()) ? recordList.get(index) : null;
	}

	// bounded: Spring's ExceptionTypeFilter.match(exception, true) never returns on a
	// cycle of causes (spring-core 7.0.9), and this runs on the consumer thread
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

	/**
	 * The attempts at a record a batch listener named.
	 */
	private static final class NamedFailure {

		private final ConsumerRecord<?, ?> record;

		private final BackOffExecution execution;

		private int attempts;

		private boolean exhausted;

		NamedFailure(ConsumerRecord<?, ?> record, BackOffExecution execution) {
			this.record = record;
			this.execution = execution;
		}

		boolean isFor(ConsumerRecord<?, ?> failed) {
			return this.record.topic().equals(failed.topic()) && this.record.partition() == failed.partition()
					&& this.record.offset() == failed.offset();
		}

		long nextBackOff() {
			// once exhausted, a failed dead-letter publish is tried again at once
			return this.exhausted ? BackOffExecution.STOP : this.execution.nextBackOff();
		}

	}

	private static String first(List<ConsumerRecord<Object, Object>> records) {
		if (records.isEmpty()) {
			return "none";
		}
		ConsumerRecord<Object, Object> record = records.get(0);
		return record.topic() + "-" + record.partition() + "@" + record.offset();
	}

}
