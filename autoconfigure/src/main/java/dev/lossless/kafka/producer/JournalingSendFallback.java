package dev.lossless.kafka.producer;

import java.time.Instant;
import java.util.Arrays;

import dev.lossless.kafka.sequence.SequenceStamp;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Saves records whose send failed with a retriable error (the delivery timeout expired,
 * the brokers are down, not enough replicas) in the send journal, serialized with the
 * application's serializers, and wakes the replayer up. Other failures (a record too
 * large, a serialization or authorization error) would fail again: they are not
 * journaled, and their failure reaches the application as it is. A send whose topic
 * metadata did not arrive is journaled unless the brokers confirm that its topic or
 * partition does not exist: that is a configuration error, reported as a
 * {@link MissingTopicException} whose cause is the client's failure.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
final class JournalingSendFallback implements SendFallback {

	private static final Log logger = LogFactory.getLog(JournalingSendFallback.class);

	private final SendJournal journal;

	private final ApplicationSerializers serializers;

	private final Runnable appended;

	private final TopicExistence topicExistence;

	JournalingSendFallback(SendJournal journal, ApplicationSerializers serializers, Runnable appended,
			TopicExistence topicExistence) {
		this.journal = journal;
		this.serializers = serializers;
		this.appended = appended;
		this.topicExistence = topicExistence;
	}

	@Override
	public boolean takes(Throwable exception) {
		return exception instanceof RetriableException;
	}

	private void wakeUpReplayer() {
		try {
			this.appended.run();
		}
		catch (RuntimeException ex) {
			logger.debug("Could not wake the send journal's replayer up; it looks again after its back-off", ex);
		}
	}

	@Override
	public Exception takeOver(ProducerRecord<?, ?> record, Exception exception) {
		String where = record.topic() + ((record.partition() != null) ? "-" + record.partition() : "") + " (key "
				+ record.key() + ")";
		if (TopicExistence.isMetadataTimeout(exception)
				&& this.topicExistence.confirmedMissing(record.topic(), record.partition())) {
			return new MissingTopicException(record.topic(), record.partition(), exception);
		}
		try {
			// the client made the record's headers read-only; a serializer may add some
			RecordHeaders headers = new RecordHeaders(record.headers().toArray());
			byte[] key = (record.key() != null)
					? this.serializers.key().serialize(record.topic(), headers, record.key()) : null;
			byte[] value = (record.value() != null)
					? this.serializers.value().serialize(record.topic(), headers, record.value()) : null;
			// the replayed copy says so: a sequence check must not start a window with it
			headers.remove(SequenceStamp.REPLAYED_HEADER);
			headers.add(SequenceStamp.REPLAYED_HEADER, new byte[0]);
			long sequence = this.journal.append(new JournalEntry(record.topic(), record.partition(), key, value,
					Arrays.asList(headers.toArray()), Instant.now(), exception.toString()));
			wakeUpReplayer();
			return new SendJournaledException("Send to " + where + " failed (" + exception
					+ "); the record is saved in the send journal " + this.journal.directory() + " as entry " + sequence
					+ " and will be sent again when the cluster answers", sequence, exception);
		}
		catch (SendJournalFullException ex) {
			ex.addSuppressed(exception);
			logger.error("Send to " + where + " failed and the send journal is full: the record is NOT saved", ex);
			return ex;
		}
		catch (RuntimeException ex) {
			// UncheckedIOException, a closed journal, a serializer failure
			exception.addSuppressed(ex);
			logger.error("Send to " + where + " failed and the record could not be saved in the send journal "
					+ this.journal.directory() + ": it is NOT saved", ex);
			return exception;
		}
	}

}
