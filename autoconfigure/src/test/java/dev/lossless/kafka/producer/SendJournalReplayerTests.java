package dev.lossless.kafka.producer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The replayer's rounds with a {@link MockProducer}: waking up, stopping with
 * acknowledgements pending, failures, producer replacement and rejections.
 */
class SendJournalReplayerTests {

	@TempDir
	Path directory;

	private final List<MockProducer<byte[], byte[]>> producers = new CopyOnWriteArrayList<>();

	private final AtomicBoolean autoComplete = new AtomicBoolean();

	private SendJournal journal;

	private SendJournal rejected;

	private SendJournalReplayer replayer;

	@BeforeEach
	void openJournals() {
		this.journal = SendJournal.open(this.directory.resolve("journal"), 1024 * 1024, 64 * 1024);
		this.rejected = SendJournal.open(this.directory.resolve("rejected"), 1024 * 1024, 64 * 1024);
	}

	@AfterEach
	void closeJournals() {
		if (this.replayer != null) {
			this.replayer.stop();
		}
		this.journal.close();
		this.rejected.close();
	}

	@Test
	void wakeUpStartsTheReplayOfANewEntryWithoutWaitingForTheNextLook() {
		this.autoComplete.set(true);
		this.replayer = replayer(Duration.ofSeconds(30), Duration.ofHours(1));
		this.journal.append(SendJournalTests.entry(0));
		this.replayer.start();
		await().atMost(WAIT).until(() -> this.journal.statistics().backlogEntries() == 0);
		this.journal.append(SendJournalTests.entry(1));
		this.replayer.wakeUp();
		await().atMost(WAIT).until(() -> this.journal.statistics().backlogEntries() == 0);
		assertThat(this.producers).singleElement().satisfies((producer) -> assertThat(producer.history()).hasSize(2));
		assertThat(this.replayer.statistics().replayed()).isEqualTo(2);
	}

	@Test
	void stopReturnsPromptlyWithAnAcknowledgementPendingAndTheEntryIsSentAgainLater() {
		this.replayer = replayer(Duration.ofMinutes(1), Duration.ofSeconds(1));
		this.journal.append(SendJournalTests.entry(0));
		this.replayer.start();
		await().atMost(WAIT).until(() -> sent(0) == 1);
		long start = System.nanoTime();
		this.replayer.stop();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(this.producers.get(0).closed()).isTrue();
		assertThat(this.journal.statistics().backlogEntries()).isEqualTo(1);
		this.autoComplete.set(true);
		this.replayer.start();
		await().atMost(WAIT).until(() -> this.journal.statistics().backlogEntries() == 0);
		assertThat(this.producers).hasSize(2);
		assertThat(sent(1)).isEqualTo(1);
	}

	@Test
	void fatalErrorClosesTheProducerAndTheNextRoundUsesANewOne() {
		this.replayer = replayer(Duration.ofMinutes(1), Duration.ofSeconds(1));
		appendEntries(3);
		this.replayer.start();
		await().atMost(WAIT).until(() -> sent(0) == 3);
		this.autoComplete.set(true);
		this.producers.get(0).errorNext(new ProducerFencedException("fenced"));
		await().atMost(WAIT).until(() -> this.journal.statistics().backlogEntries() == 0);
		assertThat(this.producers).hasSize(2);
		assertThat(this.producers.get(0).closed()).isTrue();
		assertThat(sent(1)).isEqualTo(3);
		SendJournalReplayer.Statistics statistics = this.replayer.statistics();
		assertThat(statistics.replayed()).isEqualTo(3);
		assertThat(statistics.replayFailures()).isEqualTo(1);
		assertThat(statistics.consecutiveFailures()).isZero();
		assertThat(statistics.lastFailure()).isNotNull()
			.satisfies((failure) -> assertThat(failure.error()).contains("ProducerFencedException"));
	}

	@Test
	void missingAcknowledgementWithinTheTimeoutIsAFailureAndTheEntriesStay() {
		this.replayer = replayer(Duration.ofMillis(300), Duration.ofSeconds(1));
		appendEntries(2);
		this.replayer.start();
		await().atMost(WAIT).until(() -> this.replayer.statistics().replayFailures() >= 1);
		assertThat(this.replayer.statistics().lastFailure().error()).contains("no acknowledgement within 300 ms");
		assertThat(this.producers.get(0).closed()).isTrue();
		assertThat(this.journal.statistics().backlogEntries()).isEqualTo(2);
		this.autoComplete.set(true);
		await().atMost(WAIT).until(() -> this.journal.statistics().backlogEntries() == 0);
		assertThat(this.replayer.statistics().replayed()).isEqualTo(2);
	}

	@Test
	void retriableErrorKeepsTheEntryAndTheAcknowledgedEntriesBeforeItAreRemoved() {
		this.replayer = replayer(Duration.ofMinutes(1), Duration.ofSeconds(1));
		appendEntries(3);
		this.replayer.start();
		await().atMost(WAIT).until(() -> sent(0) == 3);
		MockProducer<byte[], byte[]> producer = this.producers.get(0);
		producer.completeNext();
		producer.errorNext(new NotEnoughReplicasException("1 of 3 in sync"));
		producer.completeNext();
		// entry 2 is in another partition: acknowledged, it is not sent again with entry
		// 1
		await().atMost(WAIT).until(() -> sent(0) == 4);
		assertThat(this.journal.peek(10)).extracting(JournalEntry.Stored::sequence).containsExactly(1L, 2L);
		assertThat(this.replayer.stuckLanes()).singleElement()
			.satisfies((lane) -> assertThat(lane.partition()).isEqualTo(1));
		assertThat(producer.closed()).isFalse();
		producer.completeNext();
		producer.completeNext();
		await().atMost(WAIT).until(() -> this.journal.statistics().backlogEntries() == 0);
		assertThat(this.replayer.statistics().replayed()).isEqualTo(3);
		assertThat(this.replayer.statistics().replayFailures()).isEqualTo(1);
	}

	@Test
	void recordThatKafkaWillNeverAcceptMovesToTheRejectedJournal() {
		this.replayer = replayer(Duration.ofMinutes(1), Duration.ofSeconds(1));
		appendEntries(3);
		this.replayer.start();
		await().atMost(WAIT).until(() -> sent(0) == 3);
		MockProducer<byte[], byte[]> producer = this.producers.get(0);
		producer.completeNext();
		producer.errorNext(new TopicAuthorizationException("not allowed"));
		producer.completeNext();
		await().atMost(WAIT).until(() -> this.journal.statistics().backlogEntries() == 0);
		assertThat(this.rejected.peek(10)).singleElement().satisfies((stored) -> {
			assertThat(stored.entry().value()).isEqualTo(SendJournalTests.entry(1).value());
			assertThat(stored.entry().reason()).contains("TopicAuthorizationException")
				.contains(SendJournalTests.entry(1).reason());
		});
		assertThat(this.replayer.statistics().rejected()).isEqualTo(1);
		assertThat(this.replayer.statistics().replayed()).isEqualTo(2);
		assertThat(this.replayer.statistics().replayFailures()).isZero();
	}

	private SendJournalReplayer replayer(Duration acknowledgementTimeout, Duration maxBackOff) {
		return new SendJournalReplayer(this.journal, this.rejected, this::producer, 100, acknowledgementTimeout,
				Duration.ofMillis(50), maxBackOff);
	}

	private Producer<byte[], byte[]> producer() {
		MockProducer<byte[], byte[]> producer = new MockProducer<>(this.autoComplete.get(), null,
				new ByteArraySerializer(), new ByteArraySerializer());
		this.producers.add(producer);
		return producer;
	}

	private void appendEntries(int count) {
		for (int i = 0; i < count; i++) {
			this.journal.append(SendJournalTests.entry(i));
		}
	}

	private int sent(int producer) {
		return (this.producers.size() > producer) ? this.producers.get(producer).history().size() : 0;
	}

}
