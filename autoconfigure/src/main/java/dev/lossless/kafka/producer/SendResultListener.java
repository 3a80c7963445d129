package dev.lossless.kafka.producer;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.support.ProducerListener;

/**
 * Observes the result of every send of the application's {@code KafkaTemplate}: successes
 * and failures are counted, each failure is logged with its topic, partition and key (at
 * {@code WARN} when the record was saved in the send journal, at {@code ERROR} when it
 * failed for good), and the last one is kept for the health. The application's own
 * {@link ProducerListener listeners} are called after it, so that defining one adds
 * behaviour and keeps this observation.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class SendResultListener implements ProducerListener<Object, Object> {

	private static final Log logger = LogFactory.getLog(SendResultListener.class);

	private final LongAdder successes = new LongAdder();

	private final LongAdder failures = new LongAdder();

	private final LongAdder journaled = new LongAdder();

	private final AtomicLong failuresSinceSuccess = new AtomicLong();

	private final AtomicReference<@Nullable SendFailure> lastFailure = new AtomicReference<>();

	private final Supplier<List<ProducerListener<Object, Object>>> applicationListeners;

	/**
	 * Create an instance that calls no other listener.
	 */
	public SendResultListener() {
		this(List::of);
	}

	/**
	 * Create an instance that calls the application's own listeners after observing each
	 * result.
	 * @param applicationListeners the application's listeners, asked for on every send
	 * (the supplier caches them)
	 * @since 0.2.0
	 */
	public SendResultListener(Supplier<List<ProducerListener<Object, Object>>> applicationListeners) {
		this.applicationListeners = applicationListeners;
	}

	@Override
	public void onSuccess(ProducerRecord<Object, Object> record, RecordMetadata metadata) {
		this.successes.increment();
		if (this.failuresSinceSuccess.get() != 0) {
			this.failuresSinceSuccess.set(0);
		}
		this.applicationListeners.get().forEach((listener) -> listener.onSuccess(record, metadata));
	}

	@Override
	public void onError(ProducerRecord<Object, Object> record, @Nullable RecordMetadata metadata, Exception exception) {
		this.failures.increment();
		this.failuresSinceSuccess.incrementAndGet();
		Integer partition = (metadata != null && metadata.partition() >= 0) ? Integer.valueOf(metadata.partition())
				: record.partition();
		SendFailure failure = new SendFailure(record.topic(), partition, String.valueOf(record.key()),
				exception.toString(), Instant.now());
		this.lastFailure.set(failure);
		String where = "Send to topic '" + failure.topic() + "' (partition " + ((partition != null) ? partition : "any")
				+ ", key " + failure.key() + ")";
		if (exception instanceof SendJournaledException journaledException) {
			this.journaled.increment();
			logger.warn(where + " failed; the record is saved in the send journal and will be sent again: "
					+ journaledException.getCause());
		}
		else {
			logger.error(where + " failed for good; the record was not written and is not journaled", exception);
		}
		this.applicationListeners.get().forEach((listener) -> listener.onError(record, metadata, exception));
	}

	/**
	 * Return the counts observed so far.
	 * @return the statistics
	 */
	public SendStatistics statistics() {
		return new SendStatistics(this.successes.sum(), this.failures.sum(), this.journaled.sum(),
				this.failuresSinceSuccess.get(), this.lastFailure.get());
	}

	/**
	 * Counts of send results.
	 *
	 * @param successes sends acknowledged by the brokers
	 * @param failures sends that failed
	 * @param journaled failed sends whose record was saved in the send journal
	 * @param failuresSinceSuccess failures since the last acknowledged send
	 * @param lastFailure the last failure, or {@code null}
	 */
	public record SendStatistics(long successes, long failures, long journaled, long failuresSinceSuccess,
			@Nullable SendFailure lastFailure) {

		/**
		 * Return the failed sends whose record was neither written nor journaled.
		 * @return the count
		 */
		public long rejected() {
			return this.failures - this.journaled;
		}

	}

	/**
	 * One failed send.
	 *
	 * @param topic the topic
	 * @param partition the partition, or {@code null} when none was chosen
	 * @param key the key
	 * @param exception the failure
	 * @param time when the failure was reported
	 */
	public record SendFailure(String topic, @Nullable Integer partition, String key, String exception, Instant time) {

	}

}
