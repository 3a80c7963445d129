package dev.lossless.kafka.producer;

import java.util.List;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ExceptionTypeFilter;

/**
 * Tells what the failure of a replayed send means for its entry: a rejection (Kafka will
 * never accept the entry: it goes to the rejected journal), a missing topic or partition
 * (its lane is stuck), a retriable error, or an error after which the producer is closed.
 *
 * @author Lossless Kafka team
 */
final class ReplayErrors {

	/**
	 * How deep in the causes a rejection is looked for: bounded, so that a cause cycle
	 * cannot hold the replay thread.
	 */
	private static final int MAX_CAUSE_DEPTH = 5;

	private static final ExceptionTypeFilter REJECTED = new ExceptionTypeFilter(List.of(RecordTooLargeException.class,
			RecordBatchTooLargeException.class, InvalidRecordException.class, InvalidTopicException.class,
			InvalidTimestampException.class, TopicAuthorizationException.class, SerializationException.class),
			List.of(), false);

	private final TopicExistence topicExistence;

	ReplayErrors(TopicExistence topicExistence) {
		this.topicExistence = topicExistence;
	}

	/**
	 * Return the error, or the cause of it, that says Kafka will never accept the entry.
	 * @param error the failure of a send
	 * @return the rejection, named in the rejected journal, or {@code null}
	 */
	static @Nullable Throwable rejection(Throwable error) {
		Throwable candidate = error;
		for (int depth = 0; candidate != null && depth < MAX_CAUSE_DEPTH; depth++) {
			if (REJECTED.match(candidate, false)) {
				return candidate;
			}
			candidate = candidate.getCause();
		}
		return null;
	}

	/**
	 * Return whether the producer that reported an error can be used again.
	 * @param error the error
	 * @return whether the error is retriable
	 */
	static boolean isRetriable(Throwable error) {
		return error instanceof RetriableException;
	}

	/**
	 * Return whether the brokers confirm that the topic or partition of an entry whose
	 * metadata did not arrive does not exist.
	 * @param error the failure of the send
	 * @param entry the entry
	 * @return whether the topic or partition is missing
	 */
	boolean topicMissing(Throwable error, JournalEntry entry) {
		return TopicExistence.isMetadataTimeout(error)
				&& this.topicExistence.confirmedMissing(entry.topic(), entry.partition());
	}

}
