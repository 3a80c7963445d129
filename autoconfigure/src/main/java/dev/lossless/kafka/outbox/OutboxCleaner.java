package dev.lossless.kafka.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.Assert;

/**
 * Deletes the outbox rows sent more than the retention ago, in chunks, at most once an
 * interval.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class OutboxCleaner {

	private static final Log logger = LogFactory.getLog(OutboxCleaner.class);

	private static final int CHUNK = 1000;

	private final OutboxStore store;

	private final Duration retention;

	private final Duration interval;

	private final Clock clock = Clock.systemUTC();

	private Instant nextCleanup = Instant.MIN;

	/**
	 * Create an instance.
	 * @param store the outbox table
	 * @param retention how long sent rows are kept
	 * @param interval the time between two deletions
	 */
	OutboxCleaner(OutboxStore store, Duration retention, Duration interval) {
		Assert.notNull(store, "'store' cannot be null");
		Assert.notNull(retention, "'retention' cannot be null");
		Assert.notNull(interval, "'interval' cannot be null");
		this.store = store;
		this.retention = retention;
		this.interval = interval;
	}

	/**
	 * Delete the old sent rows when the interval has passed since the last time; a
	 * failure is logged and tried again after the interval.
	 * @param active whether to go on with the next chunk
	 */
	void cleanUpWhenDue(BooleanSupplier active) {
		Instant now = this.clock.instant();
		if (now.isBefore(this.nextCleanup)) {
			return;
		}
		this.nextCleanup = now.plus(this.interval);
		Instant before = now.minus(this.retention);
		try {
			int deleted;
			long total = 0;
			do {
				deleted = this.store.deleteSentBefore(before, CHUNK);
				total += deleted;
			}
			while (deleted == CHUNK && active.getAsBoolean());
			if (total > 0) {
				logger.debug("Deleted " + total + " outbox rows sent before " + before);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Could not delete the outbox rows sent before " + before + "; trying again in " + this.interval,
					ex);
		}
	}

}
