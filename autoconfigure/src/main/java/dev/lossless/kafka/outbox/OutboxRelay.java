package dev.lossless.kafka.outbox;

import java.time.Duration;

import dev.lossless.kafka.outbox.OutboxMonitor.Failure;
import dev.lossless.kafka.support.StartupPhases;
import dev.lossless.kafka.worker.BackgroundWorker;
import dev.lossless.kafka.worker.Liveness;
import dev.lossless.kafka.worker.WorkerLoop;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.TaskExecutor;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.util.Assert;

/**
 * Publishes the committed rows of the outbox table to Kafka, on one {@link WorkerLoop} of
 * its own, and marks each row sent only after the broker acknowledged it.
 * <p>
 * <b>Rounds.</b> A round runs in one database transaction: it locks free lanes with
 * {@code SELECT ... FOR UPDATE SKIP LOCKED} on the lane table (at most half of them,
 * starting where the previous round stopped, so that a second instance finds lanes to
 * take), reads up to {@code batchSize} pending rows of those lanes in id order, sends
 * them, waits for the acknowledgements, marks the acknowledged rows sent, counts a failed
 * send on its row, and commits. A lane is locked by one relay at a time, so no row is
 * sent by two relays at once, and the rows of a key (one lane) are sent in id order. The
 * next round runs at once until a whole turn over the lanes read less than a batch in
 * each round; then the relay waits for {@code pollInterval} or a wake-up.
 * <p>
 * <b>Parts.</b> The relay runs the loop; {@link OutboxRound} does one round, with
 * {@link OutboxLaneRotation} picking its lanes and {@link OutboxSender} sending its rows;
 * {@link OutboxCleaner} deletes old sent rows.
 * <p>
 * <b>Failures.</b> When a row's send fails, the rest of its lane is not sent in that
 * round, and a lane whose oldest pending row failed before sends only that row until it
 * is acknowledged: rows of a key are never sent past an earlier one that failed with a
 * retriable error. Such a lane counts as one row of its round, so that it holds up
 * neither the other lanes of its rounds nor the relay's wait for the poll interval. A
 * send that fails at once (no metadata within {@code max.block.ms}) ends the sending of
 * the round. After a round with a failure, the relay backs off, from {@code backOff}
 * doubling up to {@code maxBackOff}. No row is ever dropped.
 * <p>
 * <b>Delivery.</b> At least once: a row acknowledged but not marked sent (the process
 * died, the commit failed) is sent again, with the same message id. A row whose send
 * failed after the producer took it (no acknowledgement within the delivery timeout: it
 * may have been written) keeps the sequence stamp and partition of that attempt, and is
 * sent again with them, so that the consumers' sequence check counts a copy as a
 * duplicate or a late fill, never as a gap.
 * <p>
 * <b>Cleanup.</b> Every {@code cleanupInterval}, rows sent more than
 * {@code cleanupRetention} ago are deleted, in chunks.
 * <p>
 * <b>Monitoring.</b> The relay records its rounds in an {@link OutboxBacklogMonitor},
 * which the health and the metrics read.
 * <p>
 * <b>Lifecycle.</b> Starts in {@link #PHASE}, after the startup audit and before the web
 * server and the listener containers; stops after them. {@link #stop()} returns within a
 * few seconds.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class OutboxRelay implements SmartLifecycle, DisposableBean, BackgroundWorker {

	/**
	 * The phase of the relay (see {@link StartupPhases}).
	 */
	public static final int PHASE = StartupPhases.WORKERS;

	private static final Log logger = LogFactory.getLog(OutboxRelay.class);

	private final ProducerFactory<byte[], byte[]> producerFactory;

	private final Settings settings;

	private final OutboxStore store;

	private final OutboxLaneRotation lanes;

	private final OutboxRound round;

	private final OutboxCleaner cleaner;

	private final OutboxBacklogMonitor monitor;

	private final WorkerLoop loop;

	private int shortRounds;

	/**
	 * Create an instance.
	 * @param store the outbox table
	 * @param producerFactory the relay's producer factory (byte arrays, not journaled)
	 * @param settings the relay's settings
	 */
	public OutboxRelay(OutboxStore store, ProducerFactory<byte[], byte[]> producerFactory, Settings settings) {
		this(store, producerFactory, settings, new OutboxBacklogMonitor(store));
	}

	/**
	 * Create an instance.
	 * @param store the outbox table
	 * @param producerFactory the relay's producer factory (byte arrays, not journaled)
	 * @param settings the relay's settings
	 * @param monitor where the relay records its rounds
	 * @since 0.2.0
	 */
	public OutboxRelay(OutboxStore store, ProducerFactory<byte[], byte[]> producerFactory, Settings settings,
			OutboxBacklogMonitor monitor) {
		Assert.notNull(store, "'store' cannot be null");
		Assert.notNull(producerFactory, "'producerFactory' cannot be null");
		Assert.notNull(settings, "'settings' cannot be null");
		Assert.notNull(monitor, "'monitor' cannot be null");
		this.store = store;
		this.producerFactory = producerFactory;
		this.settings = settings;
		this.monitor = monitor;
		this.lanes = new OutboxLaneRotation(store, settings.lanes());
		OutboxSender sender = new OutboxSender(store, producerFactory, monitor, settings.acknowledgementTimeout(),
				this::active);
		this.round = new OutboxRound(store, this.lanes, sender, monitor, settings.batchSize());
		this.cleaner = new OutboxCleaner(store, settings.cleanupRetention(), settings.cleanupInterval());
		// a round may wait for its acknowledgements, then back off or poll
		this.loop = new WorkerLoop("lossless-outbox-relay", this::cycle, settings.backOff(), settings.maxBackOff(),
				settings.maxBackOff()
					.plus(settings.pollInterval())
					.plus(settings.acknowledgementTimeout())
					.multipliedBy(3),
				() -> {
				});
	}

	/**
	 * Look for pending rows now instead of at the end of the poll interval; a back-off
	 * after a failed round is not cut short.
	 */
	public void wakeUp() {
		this.loop.wakeUp();
	}

	/**
	 * Return where the relay records its rounds.
	 * @return the monitor
	 * @since 0.2.0
	 */
	public OutboxBacklogMonitor monitor() {
		return this.monitor;
	}

	@Override
	public void start() {
		if (this.loop.isRunning()) {
			return;
		}
		OutboxTableMissingException missing = this.store.missingTables();
		if (missing != null) {
			logger.warn("Transactional outbox inactive, its relay does not run: " + missing.getMessage()
					+ ". OutboxPublisher.publish fails until the tables exist and the application restarts.");
			return;
		}
		this.loop.start();
	}

	@Override
	public void stop() {
		if (!this.loop.isRunning()) {
			return;
		}
		this.loop.stop();
		// close the producer; a new one is created when the relay starts again
		this.producerFactory.reset();
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

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public void destroy() {
		stop();
	}

	private boolean active() {
		return this.loop.isActive();
	}

	private WorkerLoop.Outcome cycle() {
		this.cleaner.cleanUpWhenDue(this::active);
		OutboxRound.Result round = this.round.run();
		boolean progress = round.published() > 0;
		if (progress) {
			this.monitor.roundPublished(round.published());
		}
		Failure failure = round.failure();
		if (failure != null) {
			this.shortRounds = 0;
			this.monitor.roundFailed();
			if (active()) {
				logger.warn("Outbox relay round failed"
						+ ((failure.rowId() != null)
								? " for row " + failure.rowId() + " (topic '" + failure.topic() + "')" : "")
						+ ": " + failure.error() + "; next attempt after a back-off of "
						+ this.settings.backOff().toMillis() + " ms doubling up to "
						+ this.settings.maxBackOff().toMillis() + " ms");
			}
			return WorkerLoop.Outcome.failed(progress);
		}
		if (round.read() >= this.settings.batchSize()) {
			this.shortRounds = 0;
			return WorkerLoop.Outcome.again();
		}
		// a round reads some of the lanes: the relay has caught up only once a whole turn
		// over the lanes read less than a batch in each round
		if (++this.shortRounds < this.lanes.roundsPerTurn()) {
			return WorkerLoop.Outcome.again();
		}
		this.shortRounds = 0;
		return WorkerLoop.Outcome.idle(this.settings.pollInterval());
	}

	/**
	 * The relay's settings.
	 *
	 * @param lanes the number of lanes
	 * @param batchSize the most rows of one round
	 * @param pollInterval the wait between two looks at the table when nothing wakes the
	 * relay up
	 * @param acknowledgementTimeout how long a round waits for its acknowledgements
	 * @param backOff the wait after a first failed round
	 * @param maxBackOff the longest wait between failed rounds
	 * @param cleanupRetention how long sent rows are kept
	 * @param cleanupInterval the time between two deletions of old sent rows
	 */
	public record Settings(int lanes, int batchSize, Duration pollInterval, Duration acknowledgementTimeout,
			Duration backOff, Duration maxBackOff, Duration cleanupRetention, Duration cleanupInterval) {

		/**
		 * Create an instance, checking every setting.
		 */
		public Settings {
			Assert.isTrue(lanes > 0, "'lanes' must be positive");
			Assert.isTrue(batchSize > 0, "'batchSize' must be positive");
			Assert.isTrue(isPositive(pollInterval), "'pollInterval' must be positive");
			Assert.isTrue(isPositive(acknowledgementTimeout), "'acknowledgementTimeout' must be positive");
			Assert.isTrue(isPositive(backOff), "'backOff' must be positive");
			Assert.isTrue(isPositive(maxBackOff) && maxBackOff.compareTo(backOff) >= 0,
					"'maxBackOff' must be at least 'backOff'");
			Assert.isTrue(cleanupRetention != null && !cleanupRetention.isNegative(),
					"'cleanupRetention' must not be negative");
			Assert.isTrue(isPositive(cleanupInterval), "'cleanupInterval' must be positive");
		}

		private static boolean isPositive(@Nullable Duration duration) {
			return duration != null && !duration.isNegative() && !duration.isZero();
		}

	}

}
