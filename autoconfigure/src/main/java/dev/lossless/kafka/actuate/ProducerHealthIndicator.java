package dev.lossless.kafka.actuate;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.lossless.kafka.producer.SendJournal;
import dev.lossless.kafka.producer.SendJournalReplayer;
import dev.lossless.kafka.producer.SendResultListener;
import dev.lossless.kafka.producer.SendResultListener.SendStatistics;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the application's sends: {@code DOWN} while the most recent sends failed,
 * with the last failure; the counts of failed sends saved in the send journal and of
 * those that failed for good; and, with a send journal, its backlog, the age of its
 * oldest entry, the replays, the entries Kafka refused for good and any corrupt data
 * found when it was opened; {@code DOWN} while a lane (topic partition) of the journal
 * cannot be delivered while others can, naming each such lane.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public class ProducerHealthIndicator extends AbstractHealthIndicator {

	private final SendResultListener sendResults;

	private final @Nullable SendJournal journal;

	private final @Nullable SendJournalReplayer replayer;

	private final Clock clock;

	/**
	 * Create an instance.
	 * @param sendResults the observer of send results
	 * @param journal the send journal, or {@code null}
	 * @param replayer the send journal's replayer, or {@code null}
	 */
	public ProducerHealthIndicator(SendResultListener sendResults, @Nullable SendJournal journal,
			@Nullable SendJournalReplayer replayer) {
		this(sendResults, journal, replayer, Clock.systemUTC());
	}

	ProducerHealthIndicator(SendResultListener sendResults, @Nullable SendJournal journal,
			@Nullable SendJournalReplayer replayer, Clock clock) {
		super("Kafka producer health check failed");
		this.sendResults = sendResults;
		this.journal = journal;
		this.replayer = replayer;
		this.clock = clock;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		SendStatistics statistics = this.sendResults.statistics();
		if (statistics.failuresSinceSuccess() > 0) {
			builder.down().withDetail("reason", "the last " + statistics.failuresSinceSuccess() + " send(s) failed");
		}
		else {
			builder.up();
		}
		builder.withDetail("acknowledged", statistics.successes())
			.withDetail("failed", statistics.failures())
			.withDetail("journaled", statistics.journaled())
			.withDetail("rejected", statistics.rejected());
		if (statistics.lastFailure() != null) {
			builder.withDetail("lastFailure", statistics.lastFailure());
		}
		if (this.journal != null) {
			builder.withDetail("journal", journalDetails(this.journal.statistics()));
		}
		List<SendJournalReplayer.Lane.Stuck> stuckLanes = (this.replayer != null) ? this.replayer.stuckLanes()
				: List.of();
		if (!stuckLanes.isEmpty()) {
			String reason = stuckLanes.size() + " send journal lane(s) cannot be delivered while others can: retry "
					+ "or reject them (kafkareliability endpoint)";
			builder.down()
				.withDetail("reason", (statistics.failuresSinceSuccess() > 0)
						? "the last " + statistics.failuresSinceSuccess() + " send(s) failed; " + reason : reason)
				.withDetail("stuckLanes", stuckLanes.stream().map(this::laneDetails).toList());
		}
	}

	private Map<String, Object> laneDetails(SendJournalReplayer.Lane.Stuck lane) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("topic", lane.topic());
		details.put("partition", (lane.partition() != null) ? lane.partition() : "any");
		details.put("entries", lane.entries());
		details.put("oldestEntryAge", Duration.between(lane.oldestJournaledAt(), this.clock.instant()).toString());
		details.put("stuckSince", lane.stuckSince().toString());
		details.put("attempts", lane.attempts());
		details.put("error", lane.error());
		if (lane.rejectRequested()) {
			details.put("rejectRequested", true);
		}
		return details;
	}

	private Map<String, Object> journalDetails(SendJournal.Statistics journal) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("directory", journal.directory().toString());
		details.put("backlog", journal.backlogEntries());
		details.put("backlogBytes", journal.backlogBytes());
		if (journal.oldestJournaledAt() != null) {
			details.put("oldestEntryAge",
					Duration.between(journal.oldestJournaledAt(), this.clock.instant()).toString());
		}
		details.put("sizeBytes", journal.sizeBytes());
		details.put("maxBytes", journal.maxBytes());
		if (this.replayer != null) {
			SendJournalReplayer.Statistics replays = this.replayer.statistics();
			details.put("replayed", replays.replayed());
			details.put("rejectedOnReplay", replays.rejected());
			details.put("replayFailures", replays.replayFailures());
			if (replays.lastFailure() != null) {
				details.put("lastReplayFailure", replays.lastFailure());
			}
		}
		if (!journal.corruptions().isEmpty()) {
			details.put("corruptions", journal.corruptions().stream().map(Object::toString).toList());
		}
		return details;
	}

}
