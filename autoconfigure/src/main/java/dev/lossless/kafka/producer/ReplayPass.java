package dev.lossless.kafka.producer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import dev.lossless.kafka.producer.SendJournalReplayer.Lane;
import dev.lossless.kafka.producer.SendJournalReplayer.ReplayFailure;
import dev.lossless.kafka.worker.Acknowledgements;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jspecify.annotations.Nullable;

/**
 * One round of a {@link SendJournalReplayer}: the entries of the lanes that are not stuck
 * (and of the stuck lanes due for an attempt) are sent, the acknowledged ones are done, a
 * lane that fails while the cluster answers is stuck and passed over until its own
 * back-off ends, and the journal is removed up to its first entry that is not done. Run
 * by the replay thread only.
 *
 * @author Lossless Kafka team
 */
final class ReplayPass {

	private final SendJournal journal;

	private final int batchSize;

	private final Duration acknowledgementTimeout;

	private final ReplayProducer producer;

	private final ReplayErrors errors;

	private final StuckLanes stuckLanes;

	private final RejectedEntries rejected;

	private final ReplayCounters counters;

	private final BooleanSupplier active;

	/**
	 * Entries past a stuck lane's first entry that are done: the journal removes only
	 * from its head.
	 */
	private final DoneSequences done = new DoneSequences();

	ReplayPass(SendJournal journal, int batchSize, Duration acknowledgementTimeout, ReplayProducer producer,
			ReplayErrors errors, StuckLanes stuckLanes, RejectedEntries rejected, ReplayCounters counters,
			BooleanSupplier active) {
		this.journal = journal;
		this.batchSize = batchSize;
		this.acknowledgementTimeout = acknowledgementTimeout;
		this.producer = producer;
		this.errors = errors;
		this.stuckLanes = stuckLanes;
		this.rejected = rejected;
		this.counters = counters;
		this.active = active;
	}

	/**
	 * Run one round.
	 * @return how it went
	 */
	Result run() {
		try {
			return replay();
		}
		catch (RuntimeException ex) {
			return new Result(false, false, failed(null, ex), Long.MAX_VALUE);
		}
	}

	private Result replay() {
		long now = System.nanoTime();
		Map<Lane, Long> held = new HashMap<>();
		long[] lastRead = { -1 };
		List<JournalEntry.Stored> batch = this.journal.peek(this.batchSize, (stored) -> {
			lastRead[0] = stored.sequence();
			if (this.done.contains(stored.sequence())) {
				return true;
			}
			Lane lane = Lane.of(stored.entry());
			if (this.stuckLanes.holds(lane, now)) {
				held.merge(lane, 1L, Long::sum);
				return true;
			}
			return false;
		});
		boolean walkedToTheEnd = batch.size() < this.batchSize;
		if (batch.isEmpty()) {
			this.stuckLanes.countHeld(held, walkedToTheEnd, this.rejected.directory());
			removeDone(lastRead[0]);
			return new Result(true, false, null, this.stuckLanes.nanosToNextAttempt(now));
		}
		Producer<byte[], byte[]> producer;
		try {
			producer = this.producer.get();
		}
		catch (RuntimeException ex) {
			return new Result(false, false, failed(batch.get(0), ex), Long.MAX_VALUE);
		}
		Map<Lane, LaneFailure> failedLanes = new LinkedHashMap<>();
		List<Sent> sent = new ArrayList<>(batch.size());
		long rejectedBefore = this.rejected.count();
		for (JournalEntry.Stored stored : batch) {
			if (!this.active.getAsBoolean()) {
				break;
			}
			Lane lane = Lane.of(stored.entry());
			if (failedLanes.containsKey(lane)) {
				continue;
			}
			if (this.stuckLanes.rejectRequested(lane)) {
				try {
					this.rejected.reject(stored, "moved to the rejected journal by an operator");
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
			if (error != null && ReplayErrors.rejection(error) == null) {
				if (this.errors.topicMissing(error, stored.entry())) {
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
					this.active);
			if (Acknowledgements.isStopped(sendError)) {
				break;
			}
			if (sendError == null) {
				acknowledged++;
				this.done.add(stored.sequence());
				delivered.add(lane);
				continue;
			}
			Throwable rejection = ReplayErrors.rejection(sendError);
			if (rejection != null) {
				try {
					this.rejected.reject(stored, "Rejected on replay: " + rejection);
					this.done.add(stored.sequence());
					continue;
				}
				catch (RuntimeException ex) {
					sendError = ex;
				}
			}
			if (!ReplayErrors.isRetriable(sendError)) {
				// the producer is closed: the entries not acknowledged yet are sent again
				failure = failed(stored, sendError);
				break;
			}
			failedLanes.put(lane, new LaneFailure(stored, sendError, false));
		}
		this.counters.replayed(acknowledged);
		boolean othersWork = acknowledged > 0 || this.rejected.count() > rejectedBefore;
		for (Map.Entry<Lane, LaneFailure> failed : failedLanes.entrySet()) {
			LaneFailure laneFailure = failed.getValue();
			if (laneFailure.missing() || othersWork) {
				stuck(failed.getKey(), laneFailure, now);
			}
			else if (failure == null) {
				failure = failed(laneFailure.stored(), laneFailure.error());
			}
		}
		this.stuckLanes.released(delivered, failedLanes.keySet());
		if (!failedLanes.isEmpty() && failure == null) {
			this.counters.lanesFailed();
		}
		for (JournalEntry.Stored stored : batch) {
			if (!this.done.contains(stored.sequence())) {
				Lane lane = Lane.of(stored.entry());
				if (this.stuckLanes.contains(lane)) {
					held.merge(lane, 1L, Long::sum);
				}
			}
		}
		this.stuckLanes.countHeld(held, walkedToTheEnd, this.rejected.directory());
		long firstNotDone = batch.stream()
			.mapToLong(JournalEntry.Stored::sequence)
			.filter((sequence) -> !this.done.contains(sequence))
			.min()
			.orElse(lastRead[0] + 1);
		boolean progress = acknowledged > 0 || this.rejected.count() > rejectedBefore;
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
			this.counters.progressed();
		}
		return new Result(false, progress, failure, this.stuckLanes.nanosToNextAttempt(now));
	}

	private void stuck(Lane lane, LaneFailure failure, long now) {
		this.stuckLanes.failed(lane, failure.stored(), failure.error(), failure.missing(), now);
		this.counters.laneFailed(lane.topic(), failure.error());
		if (!ReplayErrors.isRetriable(failure.error())) {
			this.producer.close();
		}
	}

	private void removeDone(long upToSequence) {
		long removeUpTo = this.stuckLanes.removableUpTo(upToSequence);
		if (removeUpTo >= 0) {
			this.journal.remove(removeUpTo);
			this.done.removeUpTo(removeUpTo);
		}
	}

	private ReplayFailure failed(JournalEntry.@Nullable Stored stored, Throwable error) {
		if (!ReplayErrors.isRetriable(error)) {
			this.producer.close();
		}
		return this.counters.roundFailed((stored != null) ? stored.entry().topic() : null, error);
	}

	/**
	 * How a round went.
	 *
	 * @param idle whether nothing was left to send
	 * @param progress whether entries were removed from the journal
	 * @param failure the failure of the round, or {@code null}
	 * @param nanosToNextLaneAttempt how long until a stuck lane is due
	 */
	record Result(boolean idle, boolean progress, @Nullable ReplayFailure failure, long nanosToNextLaneAttempt) {

	}

	private record Sent(JournalEntry.Stored stored, Future<RecordMetadata> future) {

	}

	private record LaneFailure(JournalEntry.Stored stored, Throwable error, boolean missing) {

	}

}
