package dev.lossless.kafka.actuate;

import java.time.Duration;
import java.time.Instant;

import dev.lossless.kafka.producer.SendJournal;
import dev.lossless.kafka.producer.SendJournalReplayer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Meters of the send journal: {@code lossless.kafka.journal.*}.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public class SendJournalMeterBinder implements MeterBinder {

	private final SendJournal journal;

	private final @Nullable SendJournalReplayer replayer;

	/**
	 * Create an instance.
	 * @param journal the send journal
	 * @param replayer its replayer, or {@code null}
	 */
	public SendJournalMeterBinder(SendJournal journal, @Nullable SendJournalReplayer replayer) {
		this.journal = journal;
		this.replayer = replayer;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		SendJournal journal = this.journal;
		FunctionCounter.builder("lossless.kafka.journal.journaled", journal, (j) -> j.statistics().appended())
			.description("Records whose send failed with a retriable error, saved in the send journal")
			.register(registry);
		Gauge.builder("lossless.kafka.journal.backlog", journal, (j) -> j.statistics().backlogEntries())
			.description("Journal entries waiting to be sent again")
			.register(registry);
		Gauge.builder("lossless.kafka.journal.oldest.age", journal, SendJournalMeterBinder::oldestAgeSeconds)
			.description("Age of the oldest journal entry waiting to be sent again")
			.baseUnit("seconds")
			.register(registry);
		if (this.replayer != null) {
			SendJournalReplayer replayer = this.replayer;
			FunctionCounter.builder("lossless.kafka.journal.replayed", replayer, (r) -> r.statistics().replayed())
				.description("Journal entries sent again and acknowledged")
				.register(registry);
			FunctionCounter.builder("lossless.kafka.journal.rejected", replayer, (r) -> r.statistics().rejected())
				.description("Journal entries Kafka refused for good, moved to the rejected journal")
				.register(registry);
			FunctionCounter
				.builder("lossless.kafka.journal.replay.failures", replayer, (r) -> r.statistics().replayFailures())
				.description("Replay rounds that ended with an entry not acknowledged")
				.register(registry);
			Gauge.builder("lossless.kafka.journal.stuck.lanes", replayer, (r) -> r.stuckLanes().size())
				.description("Journal lanes (topic partitions) that cannot be delivered while others can")
				.register(registry);
			Gauge
				.builder("lossless.kafka.journal.stuck.entries", replayer,
						(r) -> r.stuckLanes().stream().mapToLong(SendJournalReplayer.Lane.Stuck::entries).sum())
				.description("Journal entries that wait in lanes that cannot be delivered")
				.register(registry);
		}
	}

	private static double oldestAgeSeconds(SendJournal journal) {
		Instant oldest = journal.statistics().oldestJournaledAt();
		return (oldest != null) ? Duration.between(oldest, Instant.now()).toMillis() / 1000.0 : 0;
	}

}
