package dev.lossless.kafka.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The outbox's state for the health and the metrics: the backlog of the table, read at
 * most once a second, and the counts the {@link OutboxRelay} of this instance records.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class OutboxBacklogMonitor implements OutboxMonitor {

	private static final Duration BACKLOG_CACHE = Duration.ofSeconds(1);

	private final OutboxStore store;

	private final Clock clock = Clock.systemUTC();

	private final LongAdder published = new LongAdder();

	private final LongAdder failures = new LongAdder();

	private final AtomicLong consecutiveFailures = new AtomicLong();

	private final AtomicReference<@Nullable Failure> lastFailure = new AtomicReference<>();

	private final Object backlogMonitor = new Object();

	private @Nullable CachedBacklog backlog;

	/**
	 * Create an instance.
	 * @param store the outbox table
	 */
	public OutboxBacklogMonitor(OutboxStore store) {
		Assert.notNull(store, "'store' cannot be null");
		this.store = store;
	}

	@Override
	public boolean isActive() {
		return this.store.missingTables() == null;
	}

	@Override
	public Statistics statistics() {
		CachedBacklog cached;
		synchronized (this.backlogMonitor) {
			cached = this.backlog;
			Instant now = this.clock.instant();
			if (cached == null || cached.readAt().plus(BACKLOG_CACHE).isBefore(now)) {
				cached = readBacklog(now);
				this.backlog = cached;
			}
		}
		OutboxStore.Backlog read = cached.backlog();
		Duration oldestAge = (read != null && read.oldestCreatedAt() != null)
				? Duration.between(read.oldestCreatedAt(), cached.readAt()) : null;
		return new Statistics((read != null) ? read.pending() : -1, (read != null) ? read.failing() : -1,
				(oldestAge != null && oldestAge.isNegative()) ? Duration.ZERO : oldestAge, this.published.sum(),
				this.failures.sum(), this.consecutiveFailures.get(), this.lastFailure.get(), cached.error());
	}

	@Override
	public long published() {
		return this.published.sum();
	}

	@Override
	public long failures() {
		return this.failures.sum();
	}

	private CachedBacklog readBacklog(Instant now) {
		try {
			return new CachedBacklog(this.store.backlog(PENDING_COUNT_LIMIT), null, now);
		}
		catch (RuntimeException ex) {
			return new CachedBacklog(null, ex.toString(), now);
		}
	}

	/**
	 * Record a round that published rows: it ends a run of failed rounds.
	 * @param rows the rows published and marked sent
	 */
	void roundPublished(int rows) {
		this.published.add(rows);
		this.consecutiveFailures.set(0);
	}

	/**
	 * Record a round that ended with a failure.
	 */
	void roundFailed() {
		this.consecutiveFailures.incrementAndGet();
	}

	/**
	 * Record a failed send or round.
	 * @param rowId the id of the row, or {@code null}
	 * @param topic the topic of the row, or {@code null}
	 * @param error the error
	 * @return the failure
	 */
	Failure failed(@Nullable Long rowId, @Nullable String topic, Throwable error) {
		this.failures.increment();
		Failure failure = new Failure(rowId, topic, error.toString(), this.clock.instant());
		this.lastFailure.set(failure);
		return failure;
	}

	private record CachedBacklog(OutboxStore.@Nullable Backlog backlog, @Nullable String error, Instant readAt) {

	}

}
