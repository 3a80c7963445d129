package dev.lossless.kafka.consumer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.RetryListener;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;

/**
 * Takes out of a batch, before its listener sees it, the records that must not reach it:
 * a record whose key or value could not be deserialized (which would arrive as
 * {@code null}) is published to the dead-letter topic with its original bytes and the
 * exception headers, and a record dead-lettered while its batch was rolled back is
 * already there. spring-kafka commits the offsets of the whole batch it polled, dropped
 * records included, so a record is dropped only once its dead-letter publish is
 * acknowledged; when the publish fails, the batch is sought back and delivered again
 * ({@link DeadLetterPublishFailedException}), nothing of it committed.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class DeadLetteringBatchInterceptor implements BatchInterceptor<Object, Object> {

	private static final LogAccessor logger = new LogAccessor(LogFactory.getLog(DeadLetteringBatchInterceptor.class));

	private final ConsumerRecordRecoverer recoverer;

	private final DeadLetteredBatchRecords deadLettered;

	private final @Nullable RetryListener retryListener;

	private final String group;

	/**
	 * Create an instance for the listener containers of one consumer group.
	 * @param recoverer publishes a record to the dead-letter topic, and throws when the
	 * publish fails
	 * @param deadLettered the records dead-lettered after a rollback
	 * @param retryListener told of each dead letter and failed publish, or {@code null}
	 * @param group the consumer group
	 */
	public DeadLetteringBatchInterceptor(ConsumerRecordRecoverer recoverer, DeadLetteredBatchRecords deadLettered,
			@Nullable RetryListener retryListener, String group) {
		this.recoverer = recoverer;
		this.deadLettered = deadLettered;
		this.retryListener = retryListener;
		this.group = group;
	}

	@Override
	public @Nullable ConsumerRecords<Object, Object> intercept(ConsumerRecords<Object, Object> records,
			Consumer<Object, Object> consumer) {
		Map<TopicPartition, List<ConsumerRecord<Object, Object>>> kept = new LinkedHashMap<>();
		boolean dropped = false;
		for (TopicPartition partition : records.partitions()) {
			List<ConsumerRecord<Object, Object>> partitionRecords = records.records(partition);
			this.deadLettered.forgetBefore(this.group, partition, partitionRecords.get(0).offset());
			List<ConsumerRecord<Object, Object>> keptRecords = new ArrayList<>(partitionRecords.size());
			for (ConsumerRecord<Object, Object> record : partitionRecords) {
				if (this.deadLettered.contains(this.group, record)
						|| deadLetterIfUndeserializable(records, record, consumer)) {
					dropped = true;
				}
				else {
					keptRecords.add(record);
				}
			}
			if (!keptRecords.isEmpty()) {
				kept.put(partition, keptRecords);
			}
		}
		if (!dropped) {
			return records;
		}
		// null: the listener is skipped and the polled records are committed
		return kept.isEmpty() ? null : new ConsumerRecords<>(kept, records.nextOffsets());
	}

	private boolean deadLetterIfUndeserializable(ConsumerRecords<Object, Object> records,
			ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
		// ErrorHandlingDeserializer hands a failed key or value over as null: as in
		// spring-kafka's container, a header next to a value is not a failure (one left
		// by another application, read by a deserializer that cannot fail and is not
		// wrapped)
		DeserializationException failure = (record.value() != null) ? null : SerializationUtils
			.getExceptionFromHeader(record, SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, logger);
		if (failure == null && record.key() == null) {
			failure = SerializationUtils.getExceptionFromHeader(record,
					SerializationUtils.KEY_DESERIALIZER_EXCEPTION_HEADER, logger);
		}
		if (failure == null) {
			return false;
		}
		try {
			this.recoverer.accept(record, failure);
		}
		catch (RuntimeException ex) {
			if (this.retryListener != null) {
				this.retryListener.recoveryFailed(record, failure, ex);
			}
			for (TopicPartition partition : records.partitions()) {
				consumer.seek(partition, records.records(partition).get(0).offset());
			}
			throw new DeadLetterPublishFailedException(record, ex);
		}
		// not published again if a later record of the batch makes it come back
		this.deadLettered.add(this.group, record);
		if (this.retryListener != null) {
			this.retryListener.recovered(record, failure);
		}
		return true;
	}

}
