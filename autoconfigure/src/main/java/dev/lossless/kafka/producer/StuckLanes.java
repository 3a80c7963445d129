package dev.lossless.kafka.producer;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.lossless.kafka.producer.SendJournalReplayer.Lane;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The lanes of a {@link SendJournalReplayer} that cannot be delivered while others can:
 * each is passed over by the replay and tried again on a back-off of its own (Spring's
 * {@link ExponentialBackOff}) until an attempt succeeds, an operator retries it, or an
 * operator moves its entries to the rejected journal. Changed by the replay thread, read
 * and flagged by any thread.
 *
 * @author Lossless Kafka team
 */
final class StuckLanes {

	// logged under the replayer's name, which operators already configure and watch
	private static final Log logger = LogFactory.getLog(SendJournalReplayer.class);

	private final Path journalDirectory;

	private final BackOff backOff;

	private final Map<Lane, StuckLane> lanes = new ConcurrentHashMap<>();

	StuckLanes(Path journalDirectory, Duration initialBackOff, Duration maxBackOff) {
		this.journalDirectory = journalDirectory;
		ExponentialBackOff backOff = new ExponentialBackOff(initialBackOff.toMillis(), 2);
		backOff.setMaxInterval(maxBackOff.toMillis());
		this.backOff = backOff;
	}

	boolean contains(Lane lane) {
		return this.lanes.containsKey(lane);
	}

	/**
	 * Return whether a lane is stuck and waits for its next attempt.
	 * @param lane the lane
	 * @param now the time, from {@link System#nanoTime()}
	 * @return whether the lane's entries are passed over
	 */
	boolean holds(Lane lane, long now) {
		StuckLane stuck = this.lanes.get(lane);
		return stuck != null && !stuck.due(now);
	}

	/**
	 * Return whether an operator asked to move a lane to the rejected journal.
	 * @param lane the lane
	 * @return whether its entries are to be rejected
	 */
	boolean rejectRequested(Lane lane) {
		StuckLane stuck = this.lanes.get(lane);
		return stuck != null && stuck.rejectRequested;
	}

	/**
	 * Ask for an attempt of a stuck lane now, and optionally for its entries to be moved
	 * to the rejected journal.
	 * @param lane the lane
	 * @param reject whether to reject its entries
	 * @return whether the lane was stuck
	 */
	boolean request(Lane lane, boolean reject) {
		StuckLane stuck = this.lanes.get(lane);
		if (stuck == null) {
			return false;
		}
		if (reject) {
			stuck.rejectRequested = true;
		}
		stuck.nextAttemptNanos = System.nanoTime();
		return true;
	}

	/**
	 * Record a failed attempt of a lane, which is stuck from now on if it was not.
	 * @param lane the lane
	 * @param stored its first entry, the one that failed
	 * @param error the failure
	 * @param missing whether the brokers confirm that its topic or partition does not
	 * exist
	 * @param now the time, from {@link System#nanoTime()}
	 */
	void failed(Lane lane, JournalEntry.Stored stored, Throwable error, boolean missing, long now) {
		StuckLane stuck = this.lanes.get(lane);
		if (stuck == null) {
			stuck = new StuckLane(lane, this.backOff.start(), Instant.now());
			this.lanes.put(lane, stuck);
			logger.error("Replay of send journal " + this.journalDirectory + " cannot deliver to " + lane + " ("
					+ (missing ? "the brokers confirm it does not exist: " : "") + error
					+ "); its entries wait, the other lanes are replayed. Create the topic or partition and retry "
					+ "the lane, or move it to the rejected journal (endpoint kafkareliability)");
		}
		stuck.failed(stored, error.toString(), now);
	}

	/**
	 * Release the lanes that delivered in a round, unless they failed in it too.
	 * @param delivered the lanes with an acknowledged entry
	 * @param failed the lanes with a failed entry
	 */
	void released(Set<Lane> delivered, Set<Lane> failed) {
		for (Lane lane : delivered) {
			if (!failed.contains(lane) && this.lanes.remove(lane) != null) {
				logger.info("Replay of send journal " + this.journalDirectory + " delivers to " + lane + " again");
			}
		}
	}

	/**
	 * Update the entries each stuck lane holds back, and forget the lanes whose every
	 * entry was moved to the rejected journal.
	 * @param held the entries read and held back, by lane
	 * @param walkedToTheEnd whether the whole journal was read, so that the counts are
	 * exact
	 * @param rejectedDirectory the directory of the rejected journal, for the log
	 */
	void countHeld(Map<Lane, Long> held, boolean walkedToTheEnd, Path rejectedDirectory) {
		for (StuckLane stuck : this.lanes.values()) {
			long entries = held.getOrDefault(stuck.lane, 0L);
			if (walkedToTheEnd && entries == 0 && stuck.rejectRequested) {
				this.lanes.remove(stuck.lane);
				logger.warn("Every entry for " + stuck.lane + " was moved to " + rejectedDirectory);
			}
			else if (walkedToTheEnd || entries > stuck.entries) {
				stuck.entries = entries;
			}
		}
	}

	/**
	 * Return how far the journal may be removed: not past an entry of a stuck lane.
	 * @param upToSequence the last sequence done at the head of the journal
	 * @return the last sequence that may be removed
	 */
	long removableUpTo(long upToSequence) {
		long removeUpTo = upToSequence;
		for (StuckLane stuck : this.lanes.values()) {
			removeUpTo = Math.min(removeUpTo, stuck.firstSequence - 1);
		}
		return removeUpTo;
	}

	/**
	 * Return how long until the next attempt of a stuck lane.
	 * @param now the time, from {@link System#nanoTime()}
	 * @return the nanoseconds, {@link Long#MAX_VALUE} when no lane is stuck
	 */
	long nanosToNextAttempt(long now) {
		long next = Long.MAX_VALUE;
		for (StuckLane stuck : this.lanes.values()) {
			next = Math.min(next, Math.max(0, stuck.nextAttemptNanos - now));
		}
		return next;
	}

	List<Lane.Stuck> describe() {
		return this.lanes.values()
			.stream()
			.map(StuckLane::describe)
			.sorted(Comparator.comparing(Lane.Stuck::oldestJournaledAt))
			.toList();
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

}
