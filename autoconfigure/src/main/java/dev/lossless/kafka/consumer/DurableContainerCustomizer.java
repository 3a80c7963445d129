package dev.lossless.kafka.consumer;

import java.time.Duration;

import dev.lossless.kafka.sequence.SequenceChecker;
import dev.lossless.kafka.sequence.SequenceCheckingInterceptor;
import dev.lossless.kafka.sequence.SequenceWindowResetter;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.CompositeBatchInterceptor;
import org.springframework.kafka.listener.CompositeRecordInterceptor;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
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
 * A container whose producer is fenced stops instead of moving on (moving on would skip
 * the records of the failed transaction). A transactional container hands its failed
 * records to the {@link DeadLetteringAfterRollbackProcessor} alone: the starter's error
 * handler, which would retry them a second time inside the transaction, is taken off it.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class DurableContainerCustomizer
		implements ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> {

	private final Duration shutdownTimeout;

	private final @Nullable SequenceChecker sequenceChecker;

	private final @Nullable LostOffsets lostOffsets;

	/**
	 * Create an instance.
	 * @param shutdownTimeout how long a stopping container may take to finish its records
	 * @param sequenceChecker checks received sequence stamps, or {@code null}
	 */
	public DurableContainerCustomizer(Duration shutdownTimeout, @Nullable SequenceChecker sequenceChecker) {
		this(shutdownTimeout, sequenceChecker, null);
	}

	/**
	 * Create an instance that also reports the offsets each container's consumer skips
	 * because they were deleted before it read them.
	 * @param shutdownTimeout how long a stopping container may take to finish its records
	 * @param sequenceChecker checks received sequence stamps, or {@code null}
	 * @param lostOffsets where skipped offsets are reported, or {@code null}
	 * @since 0.2.0
	 */
	public DurableContainerCustomizer(Duration shutdownTimeout, @Nullable SequenceChecker sequenceChecker,
			@Nullable LostOffsets lostOffsets) {
		this.shutdownTimeout = shutdownTimeout;
		this.sequenceChecker = sequenceChecker;
		this.lostOffsets = lostOffsets;
	}

	@Override
	public void configure(ConcurrentMessageListenerContainer<Object, Object> container) {
		ContainerProperties properties = container.getContainerProperties();
		properties.setSyncCommits(true);
		properties.setShutdownTimeout(this.shutdownTimeout.toMillis());
		properties.setStopContainerWhenFenced(true);
		if (properties.getKafkaAwareTransactionManager() != null
				&& container.getCommonErrorHandler() instanceof DeadLetteringErrorHandler
				&& container.getAfterRollbackProcessor() instanceof DeadLetteringAfterRollbackProcessor) {
			container.setCommonErrorHandler(null);
		}
		if (this.lostOffsets != null) {
			String group = container.getGroupId();
			LostOffsetsDetector<Object, Object> detector = new LostOffsetsDetector<>(this.lostOffsets,
					(group != null) ? group : "", properties.getConsumerRebalanceListener(),
					LostOffsetsDetector.DEFAULT_TIMEOUT);
			container.setRecordInterceptor(withRecordInterceptor(container.getRecordInterceptor(), detector));
			container.setBatchInterceptor(withBatchInterceptor(container.getBatchInterceptor(), detector));
			properties.setConsumerRebalanceListener(detector);
		}
		if (this.sequenceChecker != null) {
			String group = container.getGroupId();
			SequenceCheckingInterceptor<Object, Object> interceptor = new SequenceCheckingInterceptor<>(
					this.sequenceChecker, (group != null) ? group : "");
			container.setRecordInterceptor(withRecordInterceptor(container.getRecordInterceptor(), interceptor));
			container.setBatchInterceptor(withBatchInterceptor(container.getBatchInterceptor(), interceptor));
			properties.setConsumerRebalanceListener(new SequenceWindowResetter(
					properties.getConsumerRebalanceListener(), this.sequenceChecker, (group != null) ? group : ""));
		}
	}

	@SuppressWarnings("unchecked")
	private static RecordInterceptor<Object, Object> withRecordInterceptor(
			@Nullable RecordInterceptor<Object, Object> existing, RecordInterceptor<Object, Object> interceptor) {
		return (existing != null) ? new CompositeRecordInterceptor<>(interceptor, existing) : interceptor;
	}

	@SuppressWarnings("unchecked")
	private static BatchInterceptor<Object, Object> withBatchInterceptor(
			@Nullable BatchInterceptor<Object, Object> existing, BatchInterceptor<Object, Object> interceptor) {
		return (existing != null) ? new CompositeBatchInterceptor<>(interceptor, existing) : interceptor;
	}

}
