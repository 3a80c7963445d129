package dev.lossless.kafka.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The engine of the background loops: cycles, waits, back-off, death and staleness.
 */
class WorkerLoopTests {

	private final AtomicInteger cycles = new AtomicInteger();

	private WorkerLoop loop;

	@AfterEach
	void stopLoop() {
		if (this.loop != null) {
			this.loop.stop();
		}
	}

	@Test
	void errorThrownFromACycleEndsTheLoopAndIsItsDeath() {
		this.loop = loop(() -> {
			if (this.cycles.incrementAndGet() == 3) {
				throw new AssertionError("killed by the test");
			}
			return WorkerLoop.Outcome.again();
		}, Duration.ofMinutes(1));
		assertThat(this.loop.liveness().problem(Instant.now())).isNull();
		this.loop.start();
		await().atMost(WAIT).until(() -> !this.loop.liveness().alive());
		Liveness liveness = this.loop.liveness();
		assertThat(liveness.death()).contains("killed by the test");
		assertThat(liveness.problem(Instant.now())).startsWith("died: ").contains("killed by the test");
		assertThat(this.cycles).hasValue(3);
	}

	@Test
	void runtimeExceptionOfACycleIsBackedOffAndTheLoopGoesOn() {
		this.loop = loop(() -> {
			if (this.cycles.incrementAndGet() < 3) {
				throw new IllegalStateException("failed cycle");
			}
			return WorkerLoop.Outcome.idle(Duration.ofMinutes(1));
		}, Duration.ofMinutes(1));
		this.loop.start();
		await().atMost(WAIT).until(() -> this.loop.liveness().lastSuccess() != null);
		assertThat(this.cycles).hasValue(3);
		assertThat(this.loop.liveness().alive()).isTrue();
		assertThat(this.loop.liveness().problem(Instant.now())).isNull();
	}

	@Test
	void loopWhoseCycleDoesNotEndIsStaleAfterItsBound() throws InterruptedException {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch entered = new CountDownLatch(1);
		this.loop = loop(() -> {
			entered.countDown();
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return WorkerLoop.Outcome.idle(Duration.ofMinutes(1));
		}, Duration.ofSeconds(30));
		this.loop.start();
		entered.await();
		Liveness liveness = this.loop.liveness();
		assertThat(liveness.alive()).isTrue();
		assertThat(liveness.problem(Instant.now())).isNull();
		assertThat(liveness.problem(liveness.lastCycle().plusSeconds(31))).startsWith("no cycle ended since");
		release.countDown();
	}

	@Test
	void wakeUpCutsAnIdleWaitShortAndTheLoopStartsAgainAfterAStop() {
		this.loop = loop(() -> {
			this.cycles.incrementAndGet();
			return WorkerLoop.Outcome.idle(Duration.ofHours(1));
		}, Duration.ofHours(3));
		this.loop.start();
		await().atMost(WAIT).until(() -> this.cycles.get() == 1);
		this.loop.wakeUp();
		await().atMost(WAIT).until(() -> this.cycles.get() == 2);
		this.loop.stop();
		assertThat(this.loop.isRunning()).isFalse();
		assertThat(this.loop.liveness().problem(Instant.now().plus(Duration.ofDays(1)))).isNull();
		this.loop.start();
		await().atMost(WAIT).until(() -> this.cycles.get() == 3);
		assertThat(this.loop.liveness().alive()).isTrue();
	}

	private static WorkerLoop loop(WorkerLoop.Cycle cycle, Duration staleAfter) {
		return new WorkerLoop("test-loop", cycle, Duration.ofMillis(10), Duration.ofMillis(50), staleAfter, () -> {
		});
	}

}
