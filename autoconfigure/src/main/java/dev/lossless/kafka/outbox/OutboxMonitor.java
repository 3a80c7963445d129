package dev.lossless.kafka.outbox;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What the health and the metrics read from the outbox.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public interface OutboxMonitor {

	/**
	 * The most pending rows counted; more are reported as this number.
	 */
	int PENDING_COUNT_LIMIT = 100_000;

	/**
	 * Whether the outbox is active: its tables could be read at startup.
	 * @return whether the outbox is active
	 */
	default boolean isActive() {
		return true;
	}

	/**
	 * Return the outbox's state: the backlog read at most a second ago, and the relay's
	 * counts.
	 * @return the statistics
	 */
	Statistics statistics();

	/**
	 * Return the rows published and marked sent by this instance, without reading the
	 * table.
	 * @return the count
	 */
	long published();

	/**
	 * Return the failed sends of rows by this instance, without reading the table.
	 * @return the count
	 */
	long failures();

	/**
	 * The outbox's state.
	 *
	 * @param pending rows not yet sent, counted up to {@link #PENDING_COUNT_LIMIT}, or
	 * {@code -1} when the table could not be read
	 * @param failing pending rows whose last send failed (they hold up their lane),
	 * counted up to {@link #PENDING_COUNT_LIMIT}, or {@code -1} when the table could not
	 * be read
	 * @param oldestPendingAge the age of the oldest pending row, or {@code null}
	 * @param published rows published and marked sent by this instance
	 * @param failures failed sends of rows by this instance (a failed round that sent
	 * nothing counts as one)
	 * @param consecutiveFailures failed rounds since the last round that published
	 * @param lastFailure the last failure, or {@code null}
	 * @param backlogError why the backlog could not be read, or {@code null}
	 */
	record Statistics(long pending, long failing, @Nullable Duration oldestPendingAge, long published, long failures,
			long consecutiveFailures, @Nullable Failure lastFailure, @Nullable String backlogError) {

	}

	/**
	 * A failed send or round.
	 *
	 * @param rowId the id of the row whose send failed, or {@code null} when the round
	 * failed before a send (for example the database did not answer)
	 * @param topic the topic of the row, or {@code null}
	 * @param error the error
	 * @param time when it failed
	 */
	record Failure(@Nullable Long rowId, @Nullable String topic, String error, Instant time) {

	}

}
