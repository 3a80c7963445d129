package dev.lossless.kafka.idempotent;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * Forgets processed message ids older than a retention, every interval, on one daemon
 * thread. The retention must outlive every way a message can come back: redeliveries, the
 * send journal's replays and the outbox's republishes.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class ProcessedMessagesCleaner implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ProcessedMessagesCleaner.class);

	private final ProcessedMessageStore store;

	private final Duration retention;

	private final Duration interval;

	private final Clock clock;

	private @Nullable ScheduledExecutorService executor;

	/**
	 * Create an instance.
	 * @param store the store to clean
	 * @param retention how long a processed message id is kept
	 * @param interval the time between two cleanups
	 * @param clock the clock
	 */
	public ProcessedMessagesCleaner(ProcessedMessageStore store, Duration retention, Duration interval, Clock clock) {
		Assert.notNull(store, "'store' cannot be null");
		Assert.isTrue(retention != null && retention.toMillis() > 0, "'retention' must be positive");
		Assert.isTrue(interval != null && interval.toMillis() > 0, "'interval' must be positive");
		this.store = store;
		this.retention = retention;
		this.interval = interval;
		this.clock = clock;
	}

	/**
	 * Forget the message ids processed before the retention.
	 * @return how many were forgotten
	 */
	public int clean() {
		return this.store.removeProcessedBefore(this.clock.instant().minus(this.retention));
	}

	@Override
	public synchronized void start() {
		if (this.executor == null) {
			ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
				Thread thread = new Thread(runnable, "lossless-kafka-processed-messages-cleaner");
				thread.setDaemon(true);
				return thread;
			});
			long millis = this.interval.toMillis();
			executor.scheduleWithFixedDelay(this::cleanLogged, millis, millis, TimeUnit.MILLISECONDS);
			this.executor = executor;
		}
	}

	@Override
	public synchronized void stop() {
		if (this.executor != null) {
			this.executor.shutdownNow();
			this.executor = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.executor != null;
	}

	private void cleanLogged() {
		try {
			int removed = clean();
			if (removed > 0 && logger.isDebugEnabled()) {
				logger.debug("Forgot " + removed + " processed message ids older than " + this.retention);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Could not forget processed message ids older than " + this.retention, ex);
		}
	}

}
