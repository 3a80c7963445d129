package dev.lossless.kafka.outbox;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.ProducerFactory;

import static dev.lossless.kafka.actuate.BackgroundWorkersHealthIndicatorTests.KILLED;
import static dev.lossless.kafka.actuate.BackgroundWorkersHealthIndicatorTests.assertKilledWorkerIsDown;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.mock;

/**
 * The outbox relay killed by an {@link Error} thrown from one of its cycles (its cleanup
 * here): the workers health is {@code DOWN} and names it.
 */
class OutboxRelayLivenessTests {

	@Test
	@SuppressWarnings("unchecked")
	void outboxRelayThatDiedIsDown() {
		OutboxStore store = mock(OutboxStore.class);
		willThrow(new AssertionError(KILLED)).given(store).deleteSentBefore(any(), anyInt());
		OutboxRelay relay = new OutboxRelay(store, mock(ProducerFactory.class),
				new OutboxRelay.Settings(4, 10, Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofMillis(10),
						Duration.ofMillis(50), Duration.ofDays(1), Duration.ofHours(1)));
		assertKilledWorkerIsDown(relay, "lossless-outbox-relay");
	}

}
