package dev.lossless.kafka.producer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import dev.lossless.kafka.support.StartupPhases;
import dev.lossless.kafka.worker.BackgroundWorker;
import dev.lossless.kafka.worker.Liveness;
import dev.lossless.kafka.worker.WorkerLoop;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.TaskExecutor;
import org.springframework.util.Assert;

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

	private final SendJournal journal;

	private final Duration initialBackOff;

	private final Duration maxBackOff;

	private final ReplayProducer producer;

	private final RejectedEntries rejected;

	private final ReplayCounters counters = new ReplayCounters();

	private final StuckLanes stuckLanes;

	private final ReplayPass pass;

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
		this.initialBackOff = initialBackOff;
		this.maxBackOff = maxBackOff;
		this.producer = new ReplayProducer(producerFactory);
		this.rejected = new RejectedEntries(rejectedJournal);
		this.stuckLanes = new StuckLanes(journal.directory(), initialBackOff, maxBackOff);
		// a round may wait for metadata, then for its acknowledgements, then back off
		this.loop = new WorkerLoop("send-journal-replayer", this::cycle, initialBackOff, maxBackOff,
				maxBackOff.plus(acknowledgementTimeout).multipliedBy(3), this.producer::close);
		this.pass = new ReplayPass(journal, batchSize, acknowledgementTimeout, this.producer,
				new ReplayErrors(topicExistence), this.stuckLanes, this.rejected, this.counters, this.loop::isActive);
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
		return this.counters.statistics(this.rejected.count());
	}

	/**
	 * Return the lanes (topic and partition) whose entries cannot be delivered while the
	 * others can: they wait, passed over by the replay, until an attempt of their own
	 * succeeds or an operator moves them to the rejected journal.
	 * @return the stuck lanes, oldest first
	 * @since 0.2.0
	 */
	public List<Lane.Stuck> stuckLanes() {
		return this.stuckLanes.describe();
	}

	/**
	 * Try a stuck lane again now, for example once its topic was created.
	 * @param topic the topic
	 * @param partition the partition, or {@code null} for entries journaled without one
	 * @return whether the lane was stuck
	 * @since 0.2.0
	 */
	public boolean retryLane(String topic, @Nullable Integer partition) {
		return request(new Lane(topic, partition), false);
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
		return request(new Lane(topic, partition), true);
	}

	private boolean request(Lane lane, boolean reject) {
		if (!this.stuckLanes.request(lane, reject)) {
			return false;
		}
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
		this.producer.close();
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

	private WorkerLoop.Outcome cycle() {
		ReplayPass.Result round = this.pass.run();
		ReplayFailure failure = round.failure();
		if (failure != null) {
			if (this.loop.isActive()) {
				logger.warn("Replay of send journal " + this.journal.directory() + " failed"
						+ ((failure.topic() != null) ? " for topic '" + failure.topic() + "'" : "") + " ("
						+ failure.error() + "); " + this.journal.statistics().backlogEntries()
						+ " entries wait for the next attempt, after a back-off of " + this.initialBackOff.toMillis()
						+ " ms doubling up to " + this.maxBackOff.toMillis() + " ms");
			}
			return WorkerLoop.Outcome.failed(round.progress());
		}
		if (round.idle()) {
			return WorkerLoop.Outcome.idle(Math.min(this.maxBackOff.toNanos(), round.nanosToNextLaneAttempt()));
		}
		return WorkerLoop.Outcome.again();
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

}
