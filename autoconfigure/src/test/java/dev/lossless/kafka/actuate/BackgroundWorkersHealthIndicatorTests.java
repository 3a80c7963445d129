package dev.lossless.kafka.actuate;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.lossless.kafka.consumer.ConsumerOffsetsInspector;
import dev.lossless.kafka.consumer.ConsumerOffsetsMonitor;
import dev.lossless.kafka.idempotent.ProcessedMessageStore;
import dev.lossless.kafka.idempotent.ProcessedMessagesCleaner;
import dev.lossless.kafka.producer.JournalEntry;
import dev.lossless.kafka.producer.SendJournal;
import dev.lossless.kafka.producer.SendJournalReplayer;
import dev.lossless.kafka.worker.BackgroundWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.mock;

/**
 * Each background loop killed by an {@link Error} thrown from one of its cycles: the
 * health is {@code DOWN} and names it, instead of {@code UP} over a dead thread.
 */
public class BackgroundWorkersHealthIndicatorTests {

	/**
	 * What the tests' errors say.
	 */
	public static final String KILLED = "killed by the test";

	@TempDir
	Path directory;

	@Test
	void journalReplayerThatDiedIsDown() {
		try (SendJournal journal = SendJournal.open(this.directory.resolve("journal"), 1 << 20, 1 << 20);
				SendJournal rejected = SendJournal.open(this.directory.resolve("rejected"), 1 << 20, 1 << 20)) {
			journal.append(new JournalEntry("orders", 0, null, "order-0".getBytes(StandardCharsets.UTF_8), List.of(),
					Instant.now(), "test"));
			SendJournalReplayer replayer = new SendJournalReplayer(journal, rejected, () -> {
				throw new AssertionError(KILLED);
			}, 10, Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMillis(50));
			assertKilledWorkerIsDown(replayer, "send-journal-replayer");
			assertThat(journal.statistics().backlogEntries()).isEqualTo(1);
		}
	}

	@Test
	void consumerOffsetsMonitorThatDiedIsDown() {
		ConsumerOffsetsInspector inspector = new ConsumerOffsetsInspector(Map.of("bootstrap.servers", "127.0.0.1:1"),
				Duration.ofSeconds(1), 0.8);
		ConsumerOffsetsMonitor monitor = new ConsumerOffsetsMonitor(inspector, () -> {
			throw new AssertionError(KILLED);
		}, Duration.ofMillis(50));
		assertKilledWorkerIsDown(monitor, "lossless-kafka-consumer-offsets");
	}

	@Test
	void processedMessagesCleanerThatDiedIsDown() {
		ProcessedMessageStore store = mock(ProcessedMessageStore.class);
		willThrow(new AssertionError(KILLED)).given(store).removeProcessedBefore(any());
		ProcessedMessagesCleaner cleaner = new ProcessedMessagesCleaner(store, Duration.ofDays(1),
				Duration.ofMillis(50), Clock.systemUTC());
		assertKilledWorkerIsDown(cleaner, "lossless-kafka-processed-messages-cleaner");
	}

	/**
	 * Start a worker whose next cycle throws an error, and see the health go down.
	 * @param worker the worker, a lifecycle
	 * @param name the name of its loop
	 */
	public static void assertKilledWorkerIsDown(BackgroundWorker worker, String name) {
		BackgroundWorkersHealthIndicator indicator = new BackgroundWorkersHealthIndicator(() -> List.of(worker));
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
		org.springframework.context.Lifecycle lifecycle = (org.springframework.context.Lifecycle) worker;
		lifecycle.start();
		try {
			// under load the loop can be late first (DOWN, "no cycle ended"); it has died
			// once its thread ended
			await().atMost(WAIT).until(() -> worker.liveness().death() != null && !worker.liveness().alive());
			Health health = indicator.health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsKey(name);
			assertThat(health.getDetails().get("reason")).asString().contains(name).contains("died").contains(KILLED);
			assertThat(worker.liveness().alive()).isFalse();
		}
		finally {
			lifecycle.stop();
		}
	}

}
