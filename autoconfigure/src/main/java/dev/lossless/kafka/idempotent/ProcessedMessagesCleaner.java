package dev.lossless.kafka.idempotent;

import java.time.Clock;
import java.time.Duration;

import dev.lossless.kafka.worker.BackgroundWorker;
import dev.lossless.kafka.worker.Liveness;
import dev.lossless.kafka.worker.WorkerLoop;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.TaskExecutor;
import org.springframework.util.Assert;

/**
 * Forgets processed message ids older than a retention, every interval, on one
 * {@link WorkerLoop}. The retention must outlive every way a message can come back:
 * redeliveries, the send journal's replays and the outbox's republishes.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class ProcessedMessagesCleaner implements SmartLifecycle, BackgroundWorker {

	private static final Log logger = LogFactory.getLog(ProcessedMessagesCleaner.class);

	private final ProcessedMessageStore store;

	private final Duration retention;

	private final Duration interval;

	private final Clock clock;

	private final WorkerLoop loop;

	private boolean started;

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
		this.loop = new WorkerLoop("lossless-kafka-processed-messages-cleaner", this::cycle, interval, interval,
				interval.multipliedBy(3), () -> {
				});
	}

	/**
	 * Forget the message ids processed before the retention.
	 * @return how many were forgotten
	 */
	public int clean() {
		return this.store.removeProcessedBefore(this.clock.instant().minus(this.retention));
	}

	@Override
	public void start() {
		if (!this.loop.isRunning()) {
			this.started = false;
		}
		this.loop.start();
	}

	@Override
	public void stop() {
		this.loop.stop();
	}

	@Override
	public boolean isRunning() {
		return this.loop.isRunning();
	}

	@Override
	public Liveness liveness() {
		return this.loop.liveness();
	}

	@Override
	public void setTaskExecutor(TaskExecutor executor) {
		this.loop.setTaskExecutor(executor);
	}

	private WorkerLoop.Outcome cycle() {
		if (!this.started) {
			// the first cleanup comes one interval after the start
			this.started = true;
			return WorkerLoop.Outcome.idle(this.interval);
		}
		cleanLogged();
		return WorkerLoop.Outcome.idle(this.interval);
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
