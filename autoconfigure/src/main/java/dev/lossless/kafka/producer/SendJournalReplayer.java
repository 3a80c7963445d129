package dev.lossless.kafka.producer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import dev.lossless.kafka.support.StartupPhases;
import dev.lossless.kafka.worker.Acknowledgements;
import dev.lossless.kafka.worker.BackgroundWorker;
import dev.lossless.kafka.worker.Liveness;
import dev.lossless.kafka.worker.WorkerLoop;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.TaskExecutor;
import org.springframework.util.Assert;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Sends the entries of a {@link SendJournal} again, oldest first, until the journal is
 * empty, on one {@link WorkerLoop} of its own.
 * <p>
 * <b>Rounds and lanes.</b> A round takes up to {@code batchSize} entries with
 * {@link SendJournal#peek(int, java.util.function.Predicate)}, passing over the entries
 * already done and those of stuck lanes, sends each unchanged (topic, partition if one
 * was set, key, value, headers; the timestamp is the time of the replay), waits at most
 * {@code acknowledgementTimeout} for their acknowledgements and
 * {@link SendJournal#remove(long) removes} the journal up to its first entry that is not
 * done. A lane is the entries of one topic partition ({@link Lane}): order is kept within
 * a lane, and a failed entry holds back only the entries of its lane.
 * <p>
 * <b>Failures.</b> A lane that fails while the cluster answers (the brokers confirm its
 * topic or partition does not exist, see {@link TopicExistence}, or another lane of the
 * round was acknowledged) is stuck: passed over, tried again on a back-off of its own,
 * shown by {@link #stuckLanes()}, and released by a successful attempt,
 * {@link #retryLane(String, Integer)} or {@link #rejectLane(String, Integer)}. When no
 * lane is acknowledged (the cluster does not answer) the round is a replay failure:
 * counted, kept as {@link Statistics#lastFailure()}, logged at WARN, and followed by a
 * back-off that starts at {@code initialBackOff} and doubles up to {@code maxBackOff},
 * reset whenever a round makes progress. No entry is dropped. After an error that is not
 * retriable, or no acknowledgement in time, the producer is closed and a new one is
 * obtained from the supplier for the next round.
 * <p>
 * <b>Rejections.</b> An entry that Kafka will never accept
 * ({@link RecordTooLargeException}, {@link RecordBatchTooLargeException},
 * {@link InvalidRecordException}, {@link InvalidTopicException},
 * {@link InvalidTimestampException}, {@link TopicAuthorizationException},
 * {@link SerializationException}) must not block the entries behind it: it is appended to
 * the {@code rejected} journal (an append-only journal of its own, for example in a
 * {@code rejected} directory next to the journal's files, that keeps the bytes and the
 * reason for an operator), counted, logged at ERROR with its topic, partition and key,
 * and then counts as done. If the rejected journal cannot take it, the round fails and
 * the entry stays.
 * <p>
 * <b>Delivery.</b> At least once: an entry is removed only once acknowledged (or
 * rejected), so an entry sent but not acknowledged when the replayer stops, or the
 * process dies, is sent again later; so are the entries behind a stuck lane that were
 * delivered before a restart (they are remembered in memory only). A round that fails may
 * also send again entries of the same lane acknowledged after the failed one. Replayed
 * records reach their partitions after the records the application sent in the meantime.
 * <p>
 * <b>The producer.</b> Use {@code acks=all} and idempotence, a
 * {@code delivery.timeout.ms} below {@code acknowledgementTimeout} (so that the producer
 * reports a failure itself) and a short {@code max.block.ms} (a send blocks that long on
 * the metadata of an unreachable cluster), byte array serializers, and no interceptor
 * that changes the headers.
 * <p>
 * <b>Lifecycle.</b> {@link #PHASE} starts the replayer after the startup audit, so an
 * application refused for unsafe settings never replays, and after the producer factories
 * (spring-kafka's {@code DefaultKafkaProducerFactory} runs in phase
 * {@link Integer#MIN_VALUE}), but before the web server and the listener containers; it
 * stops after them, so entries journaled while they drain are still replayed, and before
 * the producer factories. {@link #stop()} returns within a few seconds.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class SendJournalReplayer implements SmartLifecycle, BackgroundWorker {

	/**
	 * The phase of the replayer (see {@link StartupPhases}).
	 */
	public static final int PHASE = StartupPhases.WORKERS;

	private static final Log logger = LogFactory.getLog(SendJournalReplayer.class);

	private static final Set<Class<? extends Throwable>> REJECTED = Set.of(RecordTooLargeException.class,
			RecordBatchTooLargeException.class, InvalidRecordException.class, InvalidTopicException.class,
			InvalidTimestampException.class, TopicAuthorizationException.class, SerializationException.class);

	private final SendJournal journal;

	private final SendJournal rejectedJournal;

	private final Supplier<Producer<byte[], byte[]>> producerFactory;

	private final int batchSize;

	private final Duration acknowledgementTimeout;

	private final Duration initialBackOff;

	private final Duration maxBackOff;

	private final AtomicReference<@Nullable Producer<byte[], byte[]>> producer = new AtomicReference<>();

	private final LongAdder replayed = new LongAdder();

	private final LongAdder rejected = new LongAdder();

	private final LongAdder replayFailures = new LongAdder();

	private final AtomicLong consecutiveFailures = new AtomicLong();

	private final AtomicReference<@Nullable ReplayFailure> lastFailure = new AtomicReference<>();

	private final TopicExistence topicExistence;

	private final BackOff laneBackOff;

	private final Map<Lane, StuckLane> stuckLanes = new ConcurrentHashMap<>();

	/**
	 * Entries past a stuck lane's first entry that are done: the journal removes only
	 * from its head.
	 */
	private final DoneSequences done = new DoneSequences();

	private final WorkerLoop loop;

	/**
	 * Create an instance.
	 * @param journal the journal to replay
	 * @param rejectedJournal the journal that keeps the entries Kafka will never accept
	 * @param producerFactory creates the producer, when the first round needs it and
	 * again after a fatal error
	 * @param batchSize the most entries of one round
	 * @param acknowledgementTimeout how long a round waits for its acknowledgements
	 * @param initialBackOff the wait after a first failed round
	 * @param maxBackOff the longest wait between failed rounds, and between two looks at
	 * an empty journal when nobody {@link #wakeUp() wakes the replayer up}
	 */
	public SendJournalReplayer(SendJournal journal, SendJournal rejectedJournal,
			Supplier<Producer<byte[], byte[]>> producerFactory, int batchSize, Duration acknowledgementTimeout,
			Duration initialBackOff, Duration maxBackOff) {
		this(journal, rejectedJournal, producerFactory, batchSize, acknowledgementTimeout, initialBackOff, maxBackOff,
				TopicExistence.UNKNOWN);
	}

	/**
	 * Create an instance that tells a missing topic from an outage.
	 * @param journal the journal to replay
	 * @param rejectedJournal the journal that keeps the entries Kafka will never accept
	 * @param producerFactory creates the producer, when the first round needs it and
	 * again after a fatal error
	 * @param batchSize the most entries of one round
	 * @param acknowledgementTimeout how long a round waits for its acknowledgements
	 * @param initialBackOff the wait after a first failed round
	 * @param maxBackOff the longest wait between failed rounds, and between two looks at
	 * an empty journal when nobody {@link #wakeUp() wakes the replayer up}
	 * @param topicExistence confirms that the topic of an entry whose metadata did not
	 * arrive does not exist
	 * @since 0.2.0
	 */
	public SendJournalReplayer(SendJournal journal, SendJournal rejectedJournal,
			Supplier<Producer<byte[], byte[]>> producerFactory, int batchSize, Duration acknowledgementTimeout,
			Duration initialBackOff, Duration maxBackOff, TopicExistence topicExistence) {
		Assert.notNull(journal, "'journal' cannot be null");
		Assert.notNull(topicExistence, "'topicExistence' cannot be null");
		Assert.notNull(rejectedJournal, "'rejectedJournal' cannot be null");
		Assert.isTrue(journal != rejectedJournal, "'rejectedJournal' must not be 'journal'");
		Assert.notNull(producerFactory, "'producerFactory' cannot be null");
		Assert.isTrue(batchSize > 0, "'batchSize' must be positive");
		Assert.isTrue(isPositive(acknowledgementTimeout), "'acknowledgementTimeout' must be positive");
		Assert.isTrue(isPositive(initialBackOff), "'initialBackOff' must be positive");
		Assert.isTrue(isPositive(maxBackOff) && maxBackOff.compareTo(initialBackOff) >= 0,
				"'maxBackOff' must be at least 'initialBackOff'");
		this.journal = journal;
		this.rejectedJournal = rejectedJournal;
		this.producerFactory = producerFactory;
		this.batchSize = batchSize;
		this.acknowledgementTimeout = acknowledgementTimeout;
		this.initialBackOff = initialBackOff;
		this.maxBackOff = maxBackOff;
		this.topicExistence = topicExistence;
		ExponentialBackOff laneBackOff = new ExponentialBackOff(initialBackOff.toMillis(), 2);
		laneBackOff.setMaxInterval(maxBackOff.toMillis());
		this.laneBackOff = laneBackOff;
		// a round may wait for metadata, then for its acknowledgements, then back off
		this.loop = new WorkerLoop("send-journal-replayer", this::cycle, initialBackOff, maxBackOff,
				maxBackOff.plus(acknowledgementTimeout).multipliedBy(3), this::closeProducer);
	}

	private static boolean isPositive(@Nullable Duration duration) {
		return duration != null && !duration.isNegative() && !duration.isZero();
	}

	/**
	 * Start replaying now instead of at the next look, when the replayer waits on an
	 * empty journal: call it after an append. A back-off after a failed round is not cut
	 * short, so that failing sends, each of which appends, do not hammer a cluster that
	 * is down.
	 */
	public void wakeUp() {
		this.loop.wakeUp();
	}

	/**
	 * Return the replayer's statistics since it was created.
	 * @return the statistics
	 */
	public Statistics statistics() {
		return new Statistics(this.replayed.sum(), this.rejected.sum(), this.replayFailures.sum(),
				this.consecutiveFailures.get(), this.lastFailure.get());
	}

	/**
	 * Return the lanes (topic and partition) whose entries cannot be delivered while the
	 * others can: they wait, passed over by the replay, until an attempt of their own
	 * succeeds or an operator moves them to the rejected journal.
	 * @return the stuck lanes, oldest first
	 * @since 0.2.0
	 */
	public List<Lane.Stuck> stuckLanes() {
		return this.stuckLanes.values()
			.stream()
			.map(StuckLane::describe)
			.sorted(Comparator.comparing(Lane.Stuck::oldestJournaledAt))
			.toList();
	}

	/**
	 * Try a stuck lane again now, for example once its topic was created.
	 * @param topic the topic
	 * @param partition the partition, or {@code null} for entries journaled without one
	 * @return whether the lane was stuck
	 * @since 0.2.0
	 */
	public boolean retryLane(String topic, @Nullable Integer partition) {
		StuckLane stuck = this.stuckLanes.get(new Lane(topic, partition));
		if (stuck == null) {
			return false;
		}
		stuck.nextAttemptNanos = System.nanoTime();
		wakeUp();
		return true;
	}

	/**
	 * Move every entry of a stuck lane to the rejected journal, where it is kept for an
	 * operator, so that the journal can be removed past it. Done by the replay thread
	 * shortly after the call.
	 * @param topic the topic
	 * @param partition the partition, or {@code null} for entries journaled without one
	 * @return whether the lane was stuck
	 * @since 0.2.0
	 */
	public boolean rejectLane(String topic, @Nullable Integer partition) {
		StuckLane stuck = this.stuckLanes.get(new Lane(topic, partition));
		if (stuck == null) {
			return false;
		}
		stuck.rejectRequested = true;
		stuck.nextAttemptNanos = System.nanoTime();
		wakeUp();
		return true;
	}

	@Override
	public void start() {
		this.loop.start();
	}

	@Override
	public void stop() {
		this.loop.stop();
		closeProducer();
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

	private boolean active() {
		return this.loop.isActive();
	}

	private WorkerLoop.Outcome cycle() {
		Round round;
		try {
			round = replay();
		}
		catch (RuntimeException ex) {
			round = new Round(false, false, failed(null, ex), Long.MAX_VALUE);
		}
		ReplayFailure failure = round.failure();
		if (failure != null) {
			if (active()) {
				logger.warn("Replay of send journal " + this.journal.directory() + " failed"
						+ ((failure.topic() != null) ? " for topic '" + failure.topic() + "'" : "") + " ("
						+ failure.error() + "); " + this.journal.statistics().backlogEntries()
						+ " entries wait for the next attempt, after a back-off of " + this.initialBackOff.toMillis()
						+ " ms doubling up to " + this.maxBackOff.toMillis() + " ms");
			}
			return WorkerLoop.Outcome.failed(round.progress());
		}
		if (round.idle()) {
			return WorkerLoop.Outcome.idle(Math.min(this.maxBackOff.toNanos(), round.nextLaneAttemptNanos()));
		}
		return WorkerLoop.Outcome.again();
	}

	/**
	 * One round: the entries of the lanes that are not stuck (and of the stuck lanes due
	 * for an attempt) are sent, the acknowledged ones are done, a lane that fails while
	 * the cluster answers is stuck and passed over until its own back-off ends, and the
	 * journal is removed up to its first entry that is not done.
	 */
	private Round replay() {
		long now = System.nanoTime();
		Map<Lane, Long> held = new HashMap<>();
		long[] lastRead = { -1 };
		List<JournalEntry.Stored> batch = this.journal.peek(this.batchSize, (stored) -> {
			lastRead[0] = stored.sequence();
			if (this.done.contains(stored.sequence())) {
				return true;
			}
			Lane lane = Lane.of(stored.entry());
			StuckLane stuck = this.stuckLanes.get(lane);
			if (stuck != null && !stuck.due(now)) {
				held.merge(lane, 1L, Long::sum);
				return true;
			}
			return false;
		});
		boolean walkedToTheEnd = batch.size() < this.batchSize;
		if (batch.isEmpty()) {
			countHeld(held, walkedToTheEnd);
			removeDone(lastRead[0]);
			return new Round(true, false, null, nextLaneAttempt(now));
		}
		Producer<byte[], byte[]> producer;
		try {
			producer = producer();
		}
		catch (RuntimeException ex) {
			return new Round(false, false, failed(batch.get(0), ex), Long.MAX_VALUE);
		}
		Map<Lane, LaneFailure> failedLanes = new LinkedHashMap<>();
		List<Sent> sent = new ArrayList<>(batch.size());
		long rejectedBefore = this.rejected.sum();
		for (JournalEntry.Stored stored : batch) {
			if (!active()) {
				break;
			}
			Lane lane = Lane.of(stored.entry());
			if (failedLanes.containsKey(lane)) {
				continue;
			}
			StuckLane stuck = this.stuckLanes.get(lane);
			if (stuck != null && stuck.rejectRequested) {
				try {
					reject(stored, "moved to the rejected journal by an operator");
					this.done.add(stored.sequence());
				}
				catch (RuntimeException ex) {
					failedLanes.put(lane, new LaneFailure(stored, ex, false));
				}
				continue;
			}
			Future<RecordMetadata> future;
			try {
				future = producer.send(stored.entry().toProducerRecord());
			}
			catch (RuntimeException ex) {
				future = CompletableFuture.failedFuture(ex);
			}
			Throwable error = Acknowledgements.failureIfDone(future);
			if (error != null && rejection(error) == null) {
				JournalEntry entry = stored.entry();
				if (TopicExistence.isMetadataTimeout(error)
						&& this.topicExistence.confirmedMissing(entry.topic(), entry.partition())) {
					failedLanes.put(lane, new LaneFailure(stored, error, true));
					continue;
				}
				// the cluster may be unreachable: send nothing more this round
				sent.add(new Sent(stored, future));
				break;
			}
			sent.add(new Sent(stored, future));
		}
		long deadline = System.nanoTime() + this.acknowledgementTimeout.toNanos();
		int acknowledged = 0;
		Set<Lane> delivered = new HashSet<>();
		ReplayFailure failure = null;
		for (Sent one : sent) {
			JournalEntry.Stored stored = one.stored();
			Lane lane = Lane.of(stored.entry());
			if (failedLanes.containsKey(lane)) {
				// a lane keeps its order: what follows a failed entry is sent again after
				// it
				continue;
			}
			Throwable sendError = Acknowledgements.await(one.future(), deadline, this.acknowledgementTimeout,
					this::active);
			if (Acknowledgements.isStopped(sendError)) {
				break;
			}
			if (sendError == null) {
				acknowledged++;
				this.done.add(stored.sequence());
				delivered.add(lane);
				continue;
			}
			Throwable rejection = rejection(sendError);
			if (rejection != null) {
				try {
					reject(stored, "Rejected on replay: " + rejection);
					this.done.add(stored.sequence());
					continue;
				}
				catch (RuntimeException ex) {
					sendError = ex;
				}
			}
			if (!(sendError instanceof RetriableException)) {
				// the producer is closed: the entries not acknowledged yet are sent again
				failure = failed(stored, sendError);
				break;
			}
			failedLanes.put(lane, new LaneFailure(stored, sendError, false));
		}
		this.replayed.add(acknowledged);
		boolean othersWork = acknowledged > 0 || this.rejected.sum() > rejectedBefore;
		for (Map.Entry<Lane, LaneFailure> failed : failedLanes.entrySet()) {
			LaneFailure laneFailure = failed.getValue();
			if (laneFailure.missing() || othersWork) {
				stuck(failed.getKey(), laneFailure, now);
			}
			else if (failure == null) {
				failure = failed(laneFailure.stored(), laneFailure.error());
			}
		}
		for (Lane lane : delivered) {
			if (!failedLanes.containsKey(lane) && this.stuckLanes.remove(lane) != null) {
				logger.info("Replay of send journal " + this.journal.directory() + " delivers to " + lane + " again");
			}
		}
		if (!failedLanes.isEmpty() && failure == null) {
			this.replayFailures.increment();
		}
		Set<Lane> inBatch = new HashSet<>();
		for (JournalEntry.Stored stored : batch) {
			if (!this.done.contains(stored.sequence())) {
				Lane lane = Lane.of(stored.entry());
				inBatch.add(lane);
				if (this.stuckLanes.containsKey(lane)) {
					held.merge(lane, 1L, Long::sum);
				}
			}
		}
		countHeld(held, walkedToTheEnd);
		long firstNotDone = batch.stream()
			.mapToLong(JournalEntry.Stored::sequence)
			.filter((sequence) -> !this.done.contains(sequence))
			.min()
			.orElse(lastRead[0] + 1);
		boolean progress = acknowledged > 0 || this.rejected.sum() > rejectedBefore;
		try {
			removeDone(Math.min(firstNotDone, lastRead[0] + 1) - 1);
		}
		catch (RuntimeException ex) {
			if (failure == null) {
				failure = failed(batch.get(0), ex);
			}
			progress = false;
		}
		if (progress) {
			this.consecutiveFailures.set(0);
		}
		return new Round(false, progress, failure, nextLaneAttempt(now));
	}

	private void stuck(Lane lane, LaneFailure failure, long now) {
		JournalEntry.Stored stored = failure.stored();
		StuckLane stuck = this.stuckLanes.get(lane);
		if (stuck == null) {
			stuck = new StuckLane(lane, this.laneBackOff.start(), Instant.now());
			this.stuckLanes.put(lane, stuck);
			logger.error("Replay of send journal " + this.journal.directory() + " cannot deliver to " + lane + " ("
					+ (failure.missing() ? "the brokers confirm it does not exist: " : "") + failure.error()
					+ "); its entries wait, the other lanes are replayed. Create the topic or partition and retry "
					+ "the lane, or move it to the rejected journal (endpoint kafkareliability)");
		}
		stuck.failed(stored, failure.error().toString(), now);
		this.lastFailure.set(new ReplayFailure(lane.topic(), failure.error().toString(), Instant.now()));
		if (!(failure.error() instanceof RetriableException)) {
			closeProducer();
		}
	}

	private void countHeld(Map<Lane, Long> held, boolean walkedToTheEnd) {
		for (StuckLane stuck : this.stuckLanes.values()) {
			long entries = held.getOrDefault(stuck.lane, 0L);
			if (walkedToTheEnd && entries == 0 && stuck.rejectRequested) {
				this.stuckLanes.remove(stuck.lane);
				logger.warn("Every entry for " + stuck.lane + " was moved to " + this.rejectedJournal.directory());
			}
			else if (walkedToTheEnd || entries > stuck.entries) {
				stuck.entries = entries;
			}
		}
	}

	private void removeDone(long upToSequence) {
		long removeUpTo = upToSequence;
		for (StuckLane stuck : this.stuckLanes.values()) {
			removeUpTo = Math.min(removeUpTo, stuck.firstSequence - 1);
		}
		if (removeUpTo >= 0) {
			this.journal.remove(removeUpTo);
			this.done.removeUpTo(removeUpTo);
		}
	}

	private long nextLaneAttempt(long now) {
		long next = Long.MAX_VALUE;
		for (StuckLane stuck : this.stuckLanes.values()) {
			next = Math.min(next, Math.max(0, stuck.nextAttemptNanos - now));
		}
		return next;
	}

	private static @Nullable Throwable rejection(Throwable error) {
		Throwable candidate = error;
		for (int depth = 0; candidate != null && depth < 5; depth++) {
			for (Class<? extends Throwable> type : REJECTED) {
				if (type.isInstance(candidate)) {
					return candidate;
				}
			}
			candidate = candidate.getCause();
		}
		return null;
	}

	private void reject(JournalEntry.Stored stored, String why) {
		JournalEntry entry = stored.entry();
		String reason = why + " (journaled at " + entry.journaledAt() + ": " + entry.reason() + ")";
		this.rejectedJournal.append(new JournalEntry(entry.topic(), entry.partition(), entry.key(), entry.value(),
				entry.headers(), Instant.now(), reason));
		this.rejected.increment();
		logger.error("Journaled record for topic '" + entry.topic() + "' (partition "
				+ ((entry.partition() != null) ? entry.partition() : "any") + ", key " + describe(entry.key())
				+ ") moved to " + this.rejectedJournal.directory() + ": " + why);
	}

	private ReplayFailure failed(JournalEntry.@Nullable Stored stored, Throwable error) {
		if (!(error instanceof RetriableException)) {
			closeProducer();
		}
		this.replayFailures.increment();
		this.consecutiveFailures.incrementAndGet();
		ReplayFailure failure = new ReplayFailure((stored != null) ? stored.entry().topic() : null, error.toString(),
				Instant.now());
		this.lastFailure.set(failure);
		logger.debug("Replay failure", error);
		return failure;
	}

	private Producer<byte[], byte[]> producer() {
		Producer<byte[], byte[]> producer = this.producer.get();
		if (producer == null) {
			producer = this.producerFactory.get();
			Assert.state(producer != null, "The producer factory returned null");
			this.producer.set(producer);
		}
		return producer;
	}

	private void closeProducer() {
		Producer<byte[], byte[]> producer = this.producer.getAndSet(null);
		if (producer != null) {
			try {
				producer.close(Duration.ZERO);
			}
			catch (RuntimeException ex) {
				logger.debug("Failure while closing the replay producer", ex);
			}
		}
	}

	private static String describe(byte @Nullable [] key) {
		if (key == null) {
			return "null";
		}
		byte[] shown = Arrays.copyOf(key, Math.min(key.length, 32));
		String more = (key.length > shown.length) ? "... (" + key.length + " bytes)" : "";
		String text = new String(shown, StandardCharsets.UTF_8);
		boolean printable = text.chars().allMatch((c) -> c != '\uFFFD' && !Character.isISOControl(c));
		return printable ? "'" + text + more + "'" : "0x" + HexFormat.of().formatHex(shown) + more;
	}

	/**
	 * Counts of the replayer since it was created.
	 *
	 * @param replayed entries sent again and acknowledged
	 * @param rejected entries Kafka will never accept, moved to the rejected journal
	 * @param replayFailures rounds that ended with an entry neither acknowledged nor
	 * rejected
	 * @param consecutiveFailures failed rounds since a round last removed entries
	 * @param lastFailure the last failure, or {@code null}
	 */
	public record Statistics(long replayed, long rejected, long replayFailures, long consecutiveFailures,
			@Nullable ReplayFailure lastFailure) {

	}

	/**
	 * A failed round.
	 *
	 * @param topic the topic of the entry that failed, or {@code null} when the round
	 * failed before an entry was sent
	 * @param error the error
	 * @param time when the round failed
	 */
	public record ReplayFailure(@Nullable String topic, String error, Instant time) {

	}

	/**
	 * The entries of one topic partition, kept in order; entries journaled without a
	 * partition form the lane of their topic.
	 *
	 * @param topic the topic
	 * @param partition the partition, or {@code null}
	 * @since 0.2.0
	 */
	public record Lane(String topic, @Nullable Integer partition) {

		static Lane of(JournalEntry entry) {
			return new Lane(entry.topic(), entry.partition());
		}

		@Override
		public String toString() {
			return "topic '" + this.topic + "' partition " + ((this.partition != null) ? this.partition : "any");
		}

		/**
		 * A lane that cannot be delivered while others can.
		 *
		 * @param topic the topic
		 * @param partition the partition, or {@code null}
		 * @param entries the entries that wait in it (at least; exact once the replay has
		 * read the whole journal)
		 * @param oldestJournaledAt when its oldest waiting entry was journaled
		 * @param error the last failure
		 * @param stuckSince when it was found stuck
		 * @param attempts the failed attempts
		 * @param rejectRequested whether an operator asked to move it to the rejected
		 * journal
		 */
		public record Stuck(String topic, @Nullable Integer partition, long entries, Instant oldestJournaledAt,
				String error, Instant stuckSince, long attempts, boolean rejectRequested) {

		}

	}

	private static final class StuckLane {

		private final Lane lane;

		private final BackOffExecution backOff;

		private final Instant since;

		private volatile long firstSequence;

		private volatile Instant oldestJournaledAt = Instant.EPOCH;

		private volatile String error = "";

		private volatile long attempts;

		private volatile long entries;

		private volatile long nextAttemptNanos;

		private volatile boolean rejectRequested;

		StuckLane(Lane lane, BackOffExecution backOff, Instant since) {
			this.lane = lane;
			this.backOff = backOff;
			this.since = since;
		}

		void failed(JournalEntry.Stored stored, String error, long now) {
			this.firstSequence = stored.sequence();
			this.oldestJournaledAt = stored.entry().journaledAt();
			this.error = error;
			this.attempts++;
			this.entries = Math.max(this.entries, 1);
			long wait = this.backOff.nextBackOff();
			this.nextAttemptNanos = now + TimeUnit.MILLISECONDS.toNanos((wait != BackOffExecution.STOP) ? wait : 0);
		}

		boolean due(long now) {
			return this.rejectRequested || now - this.nextAttemptNanos >= 0;
		}

		Lane.Stuck describe() {
			return new Lane.Stuck(this.lane.topic(), this.lane.partition(), this.entries, this.oldestJournaledAt,
					this.error, this.since, this.attempts, this.rejectRequested);
		}

	}

	/**
	 * Sequences of entries done, as ranges.
	 */
	private static final class DoneSequences {

		private final TreeMap<Long, Long> ranges = new TreeMap<>();

		boolean contains(long sequence) {
			Map.Entry<Long, Long> range = this.ranges.floorEntry(sequence);
			return range != null && sequence <= range.getValue();
		}

		void add(long sequence) {
			if (contains(sequence)) {
				return;
			}
			Map.Entry<Long, Long> before = this.ranges.floorEntry(sequence);
			long from = (before != null && before.getValue() == sequence - 1) ? before.getKey() : sequence;
			Long after = this.ranges.get(sequence + 1);
			long to = (after != null) ? after : sequence;
			if (after != null) {
				this.ranges.remove(sequence + 1);
			}
			this.ranges.put(from, to);
		}

		void removeUpTo(long sequence) {
			Map.Entry<Long, Long> straddling = this.ranges.floorEntry(sequence);
			this.ranges.headMap(sequence, true).clear();
			if (straddling != null && straddling.getValue() > sequence) {
				this.ranges.put(sequence + 1, straddling.getValue());
			}
		}

	}

	private record Round(boolean idle, boolean progress, @Nullable ReplayFailure failure, long nextLaneAttemptNanos) {

	}

	private record Sent(JournalEntry.Stored stored, Future<RecordMetadata> future) {

	}

	private record LaneFailure(JournalEntry.Stored stored, Throwable error, boolean missing) {

	}

}
