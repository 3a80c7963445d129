package dev.lossless.kafka.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

import dev.lossless.kafka.outbox.OutboxMonitor.Failure;
import dev.lossless.kafka.producer.StampKeepingRecord;
import dev.lossless.kafka.sequence.SequenceStamp;
import dev.lossless.kafka.support.StartupPhases;
import dev.lossless.kafka.worker.Acknowledgements;
import dev.lossless.kafka.worker.BackgroundWorker;
import dev.lossless.kafka.worker.Liveness;
import dev.lossless.kafka.worker.WorkerLoop;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
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
 * sent by two relays at once, and the rows of a key (one lane) are sent in id order.
 * <p>
 * <b>Failures.</b> When a row's send fails, the rest of its lane is not sent in that
 * round, and a lane whose oldest pending row failed before sends only that row until it
 * is acknowledged: rows of a key are never sent past an earlier one that failed with a
 * retriable error. A send that fails at once (no metadata within {@code max.block.ms})
 * ends the sending of the round. After a round with a failure, the relay backs off, from
 * {@code backOff} doubling up to {@code maxBackOff}. No row is ever dropped.
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

	private static final int CLEANUP_CHUNK = 1000;

	private final OutboxStore store;

	private final ProducerFactory<byte[], byte[]> producerFactory;

	private final Settings settings;

	private final int lanesPerRound;

	private final Clock clock = Clock.systemUTC();

	private int nextLane;

	private Instant nextCleanup = Instant.MIN;

	private final OutboxBacklogMonitor monitor;

	private final WorkerLoop loop;

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
		this.lanesPerRound = Math.max(1, (settings.lanes() + 1) / 2);
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
		cleanUpWhenDue();
		Round round;
		try {
			round = this.store.inTransaction(this::round);
			Assert.state(round != null, "No round");
		}
		catch (RuntimeException ex) {
			round = new Round(0, 0, failed(null, null, ex));
		}
		boolean progress = round.published() > 0;
		if (progress) {
			this.monitor.roundPublished(round.published());
		}
		Failure failure = round.failure();
		if (failure != null) {
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
		if (round.read() < this.settings.batchSize()) {
			return WorkerLoop.Outcome.idle(this.settings.pollInterval());
		}
		return WorkerLoop.Outcome.again();
	}

	private Round round() {
		List<Integer> lanes = lockLanes();
		List<OutboxRow> rows = this.store.pending(lanes, this.settings.batchSize());
		if (rows.isEmpty()) {
			return new Round(0, 0, null);
		}
		List<OutboxRow> toSend = inLaneOrder(rows);
		Producer<byte[], byte[]> producer = this.producerFactory.createProducer();
		Set<Integer> failedLanes = ConcurrentHashMap.newKeySet();
		Set<String> unreachableTopics = new HashSet<>();
		List<@Nullable Future<RecordMetadata>> futures = new ArrayList<>(toSend.size());
		List<@Nullable StampKeepingRecord<byte[], byte[]>> records = new ArrayList<>(toSend.size());
		for (OutboxRow row : toSend) {
			if (!active() || failedLanes.contains(row.lane()) || unreachableTopics.contains(row.topic())) {
				futures.add(null);
				records.add(null);
				continue;
			}
			StampKeepingRecord<byte[], byte[]> record = decode(row);
			if (record == null) {
				failedLanes.add(row.lane());
				futures.add(null);
				records.add(null);
				continue;
			}
			Future<RecordMetadata> future;
			try {
				future = producer.send(record, (metadata, exception) -> {
					if (exception != null) {
						failedLanes.add(row.lane());
					}
				});
			}
			catch (RuntimeException ex) {
				future = CompletableFuture.failedFuture(ex);
			}
			futures.add(future);
			Throwable immediate = Acknowledgements.failureIfDone(future);
			// a send that failed at once gave its number back: the record is never
			// written with it
			records.add((immediate != null) ? null : record);
			if (immediate != null) {
				// this row holds up its lane; a record Kafka refuses (too large, not
				// authorized) holds up nothing else, but a topic without metadata within
				// max.block.ms would make every send to it wait as long again
				failedLanes.add(row.lane());
				if (immediate instanceof org.apache.kafka.common.errors.TimeoutException) {
					unreachableTopics.add(row.topic());
				}
			}
		}
		long deadline = System.nanoTime() + this.settings.acknowledgementTimeout().toNanos();
		List<Long> acknowledged = new ArrayList<>();
		Failure failure = null;
		boolean resetProducer = false;
		for (int i = 0; i < toSend.size(); i++) {
			Future<RecordMetadata> future = futures.get(i);
			if (future == null) {
				continue;
			}
			OutboxRow row = toSend.get(i);
			Throwable error = Acknowledgements.await(future, deadline, this.settings.acknowledgementTimeout(),
					this::active);
			if (error == null) {
				acknowledged.add(row.id());
			}
			else if (!Acknowledgements.isStopped(error)) {
				failure = failed(row.id(), row.topic(), error);
				StampKeepingRecord<byte[], byte[]> record = records.get(i);
				// the first stamped attempt's stamp is kept for every later one
				SequenceStamp stamp = (record != null && row.stamp() == null) ? record.stamp() : null;
				this.store.recordFailure(row.id(), error.toString(), (stamp != null) ? record.stampPartition() : null,
						stamp);
				resetProducer |= !(error instanceof RetriableException);
			}
		}
		if (resetProducer) {
			// a fatal error or no acknowledgement in time: start again with a new
			// producer
			this.producerFactory.reset();
		}
		this.store.markSent(acknowledged);
		return new Round(rows.size(), acknowledged.size(), failure);
	}

	/**
	 * Lock up to half the lanes, the next ones after those of the previous round; when
	 * another relay holds them, try the following ones.
	 */
	private List<Integer> lockLanes() {
		// every lane of the table: also those left by a larger 'lanes' setting
		List<Integer> all = this.store.lanes();
		for (int tried = 0; tried < all.size(); tried += this.lanesPerRound) {
			List<Integer> window = new ArrayList<>(this.lanesPerRound);
			for (int i = 0; i < Math.min(this.lanesPerRound, all.size()); i++) {
				window.add(all.get((this.nextLane + i) % all.size()));
			}
			this.nextLane = (this.nextLane + this.lanesPerRound) % all.size();
			List<Integer> locked = this.store.lockLanes(window);
			if (!locked.isEmpty()) {
				return locked;
			}
		}
		return List.of();
	}

	/**
	 * Return the rows to send, in id order: all of a lane's rows, or only its oldest when
	 * that one failed before.
	 */
	private static List<OutboxRow> inLaneOrder(List<OutboxRow> rows) {
		Map<Integer, Boolean> probing = new LinkedHashMap<>();
		Set<Integer> probed = new HashSet<>();
		List<OutboxRow> toSend = new ArrayList<>(rows.size());
		for (OutboxRow row : rows) {
			boolean probe = probing.computeIfAbsent(row.lane(), (lane) -> row.attempts() > 0);
			if (!probe) {
				toSend.add(row);
			}
			else if (probed.add(row.lane())) {
				toSend.add(row);
			}
		}
		return toSend;
	}

	/**
	 * Decode a row, or record why it cannot be: a row that can never be sent holds up its
	 * lane (rows of a key are never sent past an earlier one) but not the relay, and is
	 * not a failed round (no back-off for the other lanes).
	 */
	private @Nullable StampKeepingRecord<byte[], byte[]> decode(OutboxRow row) {
		try {
			return row.toProducerRecord();
		}
		catch (IllegalArgumentException ex) {
			if (row.attempts() == 0) {
				logger.error("Outbox row " + row.id() + " (topic '" + row.topic() + "', message id " + row.messageId()
						+ ") cannot be published and holds up its lane until it is repaired or deleted: "
						+ ex.getMessage());
			}
			failed(row.id(), row.topic(), ex);
			this.store.recordFailure(row.id(), ex.toString());
			return null;
		}
	}

	private Failure failed(@Nullable Long rowId, @Nullable String topic, Throwable error) {
		Failure failure = this.monitor.failed(rowId, topic, error);
		logger.debug("Outbox relay failure", error);
		return failure;
	}

	private void cleanUpWhenDue() {
		Instant now = this.clock.instant();
		if (now.isBefore(this.nextCleanup)) {
			return;
		}
		this.nextCleanup = now.plus(this.settings.cleanupInterval());
		Instant before = now.minus(this.settings.cleanupRetention());
		try {
			int deleted;
			long total = 0;
			do {
				deleted = this.store.deleteSentBefore(before, CLEANUP_CHUNK);
				total += deleted;
			}
			while (deleted == CLEANUP_CHUNK && active());
			if (total > 0) {
				logger.debug("Deleted " + total + " outbox rows sent before " + before);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Could not delete the outbox rows sent before " + before + "; trying again in "
					+ this.settings.cleanupInterval(), ex);
		}
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

	private record Round(int read, int published, @Nullable Failure failure) {

	}

}
