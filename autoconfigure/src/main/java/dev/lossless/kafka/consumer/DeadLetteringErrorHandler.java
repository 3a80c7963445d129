package dev.lossless.kafka.consumer;

import java.lang.reflect.Constructor;
import java.util.List;

import dev.lossless.kafka.rules.DeadLettering;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.KafkaException;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.backoff.BackOff;

/**
 * The starter's {@link DefaultErrorHandler}: it retries a failing record with back-off,
 * then hands it to its recoverer, and it knows whether that recoverer publishes to a
 * dead-letter topic, so that the {@code listener.error-handler} rule can tell a handler
 * that keeps failed records from one that drops them. A batch whose records could not be
 * dead-lettered before its listener ({@link DeadLetterPublishFailedException}) has been
 * sought back already: it is neither retried nor recovered here (recovering would publish
 * its good records to the dead-letter topic), and nothing of it is committed.
 * <p>
 * With out-of-order acknowledgements ({@code async-acks}), spring-kafka 4.1.1 keeps
 * waiting for the acknowledgements of the records it was sought back to after a record
 * was recovered, and never polls again. Here the container is told, as for a record still
 * in retry, to stop waiting for them: they are delivered again, and the recovered
 * record's offset is committed with theirs (details in {@code docs/listeners.md}).
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class DeadLetteringErrorHandler extends DefaultErrorHandler implements DeadLettering {

	private static final Log logger = LogFactory.getLog(DeadLetteringErrorHandler.class);

	private static final String RECORD_IN_RETRY = "org.springframework.kafka.listener.RecordInRetryException";

	private final boolean deadLettering;

	/**
	 * Create an instance.
	 * @param recoverer the recoverer of records whose attempts are exhausted
	 * @param backOff the back-off between attempts
	 */
	public DeadLetteringErrorHandler(ConsumerRecordRecoverer recoverer, BackOff backOff) {
		super(recoverer, backOff);
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
	public void handleRemaining(Exception thrownException, List<ConsumerRecord<?, ?>> records, Consumer<?, ?> consumer,
			MessageListenerContainer container) {
		super.handleRemaining(thrownException, records, consumer, container);
		if (records.size() > 1 && acknowledgesOutOfOrder(container.getContainerProperties())) {
			// the first record was recovered, the others sought back
			RuntimeException stopWaiting = recordInRetry(thrownException);
			if (stopWaiting != null) {
				throw stopWaiting;
			}
		}
	}

	private static boolean acknowledgesOutOfOrder(ContainerProperties properties) {
		return properties.isAsyncAcks()
				&& (properties.getAckMode() == AckMode.MANUAL || properties.getAckMode() == AckMode.MANUAL_IMMEDIATE);
	}

	private static @Nullable RuntimeException recordInRetry(Exception cause) {
		try {
			Constructor<?> constructor = ClassUtils
				.forName(RECORD_IN_RETRY, DeadLetteringErrorHandler.class.getClassLoader())
				.getDeclaredConstructor(String.class, Throwable.class);
			ReflectionUtils.makeAccessible(constructor);
			return (RuntimeException) constructor.newInstance("Recovered; the records behind it are delivered again",
					cause);
		}
		catch (ReflectiveOperationException | LinkageError | ClassCastException ex) {
			logger.warn("spring-kafka's " + RECORD_IN_RETRY + " cannot be created (" + ex
					+ "): with async-acks the container may wait forever for the records behind a recovered record");
			return null;
		}
	}

	@Override
	public void handleBatch(Exception thrownException, ConsumerRecords<?, ?> data, Consumer<?, ?> consumer,
			MessageListenerContainer container, Runnable invokeListener) {
		if (thrownException instanceof DeadLetterPublishFailedException) {
			// thrown so that the container commits nothing of the batch
			throw new KafkaException("Batch sought back to be delivered again", thrownException);
		}
		super.handleBatch(thrownException, data, consumer, container, invokeListener);
	}

}
