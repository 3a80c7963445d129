package dev.lossless.kafka.consumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.lossless.kafka.sequence.SequenceChecker;
import dev.lossless.kafka.sequence.SequenceCheckingInterceptor;
import dev.lossless.kafka.sequence.SequenceWindowResetter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.CompositeBatchInterceptor;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.CompositeRecordInterceptor;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.RecordInterceptor;

/**
 * Makes every listener container of Spring Boot's container factory commit synchronously,
 * so that a failed commit is retried and reported instead of lost, and gives a stopping
 * container time to finish the records in hand and commit their offsets. Offsets are
 * committed after processing by the container's own acknowledgement modes; on a rebalance
 * the container commits pending offsets before the partitions are revoked. With a
 * {@link SequenceChecker}, every record is checked for sequence gaps before the listener
 * sees it, before any interceptor the application set (which may drop records), and the
 * container's rebalance listener is wrapped so that the check forgets partitions that
 * change hands.
 * <p>
 * A listener that takes an {@code Acknowledgment} gets the {@code MANUAL} acknowledgement
 * mode on its own container. A container with out-of-order acknowledgements
 * ({@code async-acks}) whose error handler seeks after an error and is not the starter's
 * is logged at {@code WARN}: spring-kafka 4.1.1 stops consuming its partition after a
 * record with records behind it is recovered, and only the starter's handler works around
 * it.
 * <p>
 * A container whose producer is fenced stops instead of moving on (moving on would skip
 * the records of the failed transaction). A transactional container hands its failed
 * records to the {@link DeadLetteringAfterRollbackProcessor} alone: the starter's error
 * handler, which would retry them a second time inside the transaction, is taken off it.
 * <p>
 * The application's own container customizers run after the settings above (so that a
 * setting they change is theirs, and the audit reports it by rule id) and before the
 * sequence check is composed with the interceptors and rebalance listener they set.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class DurableContainerCustomizer
		implements ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> {

	private static final Log logger = LogFactory.getLog(DurableContainerCustomizer.class);

	private final Duration shutdownTimeout;

	private final @Nullable SequenceChecker sequenceChecker;

	private final Supplier<List<ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>>>> applicationCustomizers;

	private @Nullable Function<String, BatchInterceptor<Object, Object>> deadLetteringBatchInterceptors;

	private final @Nullable LostOffsets lostOffsets;

	/**
	 * Create an instance.
	 * @param shutdownTimeout how long a stopping container may take to finish its records
	 * @param sequenceChecker checks received sequence stamps, or {@code null}
	 */
	public DurableContainerCustomizer(Duration shutdownTimeout, @Nullable SequenceChecker sequenceChecker) {
		this(shutdownTimeout, sequenceChecker, null, List::of);
	}

	/**
	 * Create an instance that also reports the offsets each container's consumer skips
	 * because they were deleted before it read them, and runs the application's own
	 * container customizers.
	 * @param shutdownTimeout how long a stopping container may take to finish its records
	 * @param sequenceChecker checks received sequence stamps, or {@code null}
	 * @param lostOffsets where skipped offsets are reported, or {@code null}
	 * @param applicationCustomizers the application's customizers, asked for on every
	 * container (the supplier caches them)
	 * @since 0.2.0
	 */
	public DurableContainerCustomizer(Duration shutdownTimeout, @Nullable SequenceChecker sequenceChecker,
			@Nullable LostOffsets lostOffsets,
			Supplier<List<ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>>>> applicationCustomizers) {
		this.shutdownTimeout = shutdownTimeout;
		this.sequenceChecker = sequenceChecker;
		this.lostOffsets = lostOffsets;
		this.applicationCustomizers = applicationCustomizers;
	}

	/**
	 * Set what creates, for a consumer group, the batch interceptor that dead-letters the
	 * records a batch listener must not see; it runs after the sequence check and before
	 * the application's interceptor.
	 * @param deadLetteringBatchInterceptors the interceptor of a group
	 * @since 0.2.0
	 * @see DeadLetteringBatchInterceptor
	 */
	public void setDeadLetteringBatchInterceptors(
			Function<String, BatchInterceptor<Object, Object>> deadLetteringBatchInterceptors) {
		this.deadLetteringBatchInterceptors = deadLetteringBatchInterceptors;
	}

	@Override
	public void configure(ConcurrentMessageListenerContainer<Object, Object> container) {
		ContainerProperties properties = container.getContainerProperties();
		properties.setSyncCommits(true);
		properties.setShutdownTimeout(this.shutdownTimeout.toMillis());
		properties.setStopContainerWhenFenced(true);
		ManualAcknowledgment.apply(container);
		this.applicationCustomizers.get().forEach((customizer) -> customizer.configure(container));
		if (properties.getKafkaAwareTransactionManager() != null
				&& container.getCommonErrorHandler() instanceof DeadLetteringErrorHandler
				&& container.getAfterRollbackProcessor() instanceof DeadLetteringAfterRollbackProcessor) {
			container.setCommonErrorHandler(null);
		}
		warnOfOutOfOrderAcknowledgementsWithoutTheStarterHandler(container);
		String group = (container.getGroupId() != null) ? container.getGroupId() : "";
		// the starter's interceptors run in this order, before the application's, which
		// may
		// drop records: the sequence check and the loss detector see every record, then
		// undeserializable records are dead-lettered before a batch listener
		List<RecordInterceptor<Object, Object>> records = new ArrayList<>();
		List<BatchInterceptor<Object, Object>> batches = new ArrayList<>();
		if (this.sequenceChecker != null) {
			SequenceCheckingInterceptor<Object, Object> interceptor = new SequenceCheckingInterceptor<>(
					this.sequenceChecker, group);
			records.add(interceptor);
			batches.add(interceptor);
		}
		if (this.lostOffsets != null) {
			LostOffsetsDetector<Object, Object> detector = new LostOffsetsDetector<>(this.lostOffsets, group,
					properties.getConsumerRebalanceListener(), LostOffsetsDetector.DEFAULT_TIMEOUT);
			records.add(detector);
			batches.add(detector);
			properties.setConsumerRebalanceListener(detector);
		}
		if (this.sequenceChecker != null) {
			properties.setConsumerRebalanceListener(
					new SequenceWindowResetter(properties.getConsumerRebalanceListener(), this.sequenceChecker, group));
		}
		if (this.deadLetteringBatchInterceptors != null) {
			batches.add(this.deadLetteringBatchInterceptors.apply(group));
		}
		container.setRecordInterceptor(recordInterceptor(records, container.getRecordInterceptor()));
		container.setBatchInterceptor(batchInterceptor(batches, container.getBatchInterceptor()));
	}

	private static void warnOfOutOfOrderAcknowledgementsWithoutTheStarterHandler(
			ConcurrentMessageListenerContainer<Object, Object> container) {
		ContainerProperties properties = container.getContainerProperties();
		CommonErrorHandler handler = container.getCommonErrorHandler();
		if (properties.isAsyncAcks()
				&& (properties.getAckMode() == AckMode.MANUAL || properties.getAckMode() == AckMode.MANUAL_IMMEDIATE)
				&& handler != null && handler.seeksAfterHandling() && !(handler instanceof DeadLetteringErrorHandler)) {
			logger.warn("Listener '" + container.getListenerId() + "' acknowledges out of order (async-acks) with the"
					+ " error handler " + handler.getClass().getName() + ": after it recovers a record with records"
					+ " behind it, spring-kafka stops consuming the partition (the records behind are never processed"
					+ " or committed). Remove your CommonErrorHandler bean so the starter's applies, or set"
					+ " spring.kafka.listener.async-acks=false; see docs/listeners.md.");
		}
	}

	@SuppressWarnings("unchecked")
	private static @Nullable RecordInterceptor<Object, Object> recordInterceptor(
			List<RecordInterceptor<Object, Object>> starters, @Nullable RecordInterceptor<Object, Object> existing) {
		List<RecordInterceptor<Object, Object>> all = new ArrayList<>(starters);
		if (existing != null) {
			all.add(existing);
		}
		return switch (all.size()) {
			case 0 -> null;
			case 1 -> all.get(0);
			default -> new CompositeRecordInterceptor<>(all.toArray(RecordInterceptor[]::new));
		};
	}

	@SuppressWarnings("unchecked")
	private static @Nullable BatchInterceptor<Object, Object> batchInterceptor(
			List<BatchInterceptor<Object, Object>> starters, @Nullable BatchInterceptor<Object, Object> existing) {
		List<BatchInterceptor<Object, Object>> all = new ArrayList<>(starters);
		if (existing != null) {
			all.add(existing);
		}
		return switch (all.size()) {
			case 0 -> null;
			case 1 -> all.get(0);
			default -> new CompositeBatchInterceptor<>(all.toArray(BatchInterceptor[]::new));
		};
	}

}
