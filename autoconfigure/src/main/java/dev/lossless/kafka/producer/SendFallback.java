package dev.lossless.kafka.producer;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Takes over a record whose send failed for good, so that it is not lost.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
interface SendFallback {

	/**
	 * Return whether this fallback takes records that failed with the given exception.
	 * @param exception the failure
	 * @return {@code true} if such a record will still be written later
	 */
	boolean takes(Throwable exception);

	/**
	 * Take over a failed record.
	 * @param record the record as it was sent (stamped, with its partition)
	 * @param exception the failure
	 * @return the exception to report to the sender
	 */
	Exception takeOver(ProducerRecord<?, ?> record, Exception exception);

}
