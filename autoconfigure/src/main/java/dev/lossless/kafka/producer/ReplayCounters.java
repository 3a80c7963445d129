package dev.lossless.kafka.producer;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import dev.lossless.kafka.producer.SendJournalReplayer.ReplayFailure;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The counts behind the {@link SendJournalReplayer.Statistics statistics} of a replayer:
 * entries replayed, failed rounds, and the last failure. Written by the replay thread,
 * read by any thread.
 *
 * @author Lossless Kafka team
 */
final class ReplayCounters {

	// logged under the replayer's name, which operators already configure and watch
	private static final Log logger = LogFactory.getLog(SendJournalReplayer.class);

	private final LongAdder replayed = new LongAdder();

	private final LongAdder replayFailures = new LongAdder();

	private final AtomicLong consecutiveFailures = new AtomicLong();

	private final AtomicReference<@Nullable ReplayFailure> lastFailure = new AtomicReference<>();

	void replayed(long entries) {
		this.replayed.add(entries);
	}

	/**
	 * Count a failed round.
	 * @param topic the topic of the entry that failed, or {@code null}
	 * @param error the failure
	 * @return the failure, as kept
	 */
	ReplayFailure roundFailed(@Nullable String topic, Throwable error) {
		this.replayFailures.increment();
		this.consecutiveFailures.incrementAndGet();
		ReplayFailure failure = new ReplayFailure(topic, error.toString(), Instant.now());
		this.lastFailure.set(failure);
		logger.debug("Replay failure", error);
		return failure;
	}

	/**
	 * Count a round that ended with stuck lanes while others delivered.
	 */
	void lanesFailed() {
		this.replayFailures.increment();
	}

	/**
	 * Keep the failure of a stuck lane as the last failure.
	 * @param topic the lane's topic
	 * @param error the failure
	 */
	void laneFailed(String topic, Throwable error) {
		this.lastFailure.set(new ReplayFailure(topic, error.toString(), Instant.now()));
	}

	void progressed() {
		this.consecutiveFailures.set(0);
	}

	SendJournalReplayer.Statistics statistics(long rejected) {
		return new SendJournalReplayer.Statistics(this.replayed.sum(), rejected, this.replayFailures.sum(),
				this.consecutiveFailures.get(), this.lastFailure.get());
	}

}
