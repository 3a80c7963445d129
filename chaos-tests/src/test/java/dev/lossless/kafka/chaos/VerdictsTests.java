package dev.lossless.kafka.chaos;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import dev.lossless.kafka.chaos.ScenarioRun.Outcome;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link Verdicts}: each assertion of the fault suite fails on the outcome it
 * is meant to catch.
 *
 * @author Lossless Kafka team
 */
class VerdictsTests {

	private static final Set<Long> IDS = ids(0, 2000);

	@Test
	void everyAcknowledgedRecordConsumedAndReadByTheVerifierPasses() {
		assertThatNoException().isThrownBy(() -> Verdicts.assertNothingLost(outcome(IDS, Set.of(), IDS, IDS)));
	}

	@Test
	void nothingAcknowledgedFailsRatherThanPassingOnAnEmptyDifference() {
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> Verdicts.assertNothingLost(outcome(Set.of(), IDS, Set.of(), null)))
			.withMessageContaining("records acknowledged");
	}

	@Test
	void tooLittleAcknowledgedFails() {
		Set<Long> acked = ids(0, 10);
		Set<Long> failed = ids(10, 2000);
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> Verdicts.assertNothingLost(outcome(acked, failed, acked, null)))
			.withMessageContaining("records acknowledged");
	}

	@Test
	void acknowledgedRecordTheVerifiableConsumerNeverReadFails() {
		Set<Long> verified = ids(0, 1999);
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> Verdicts.assertNothingLost(outcome(IDS, Set.of(), IDS, verified)))
			.withMessageContaining("VerifiableConsumer");
	}

	@Test
	void negativeControlThatLostNothingFails() {
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> Verdicts.assertLost(outcome(IDS, Set.of(), IDS, null)))
			.withMessageContaining("negative control");
	}

	@Test
	void negativeControlThatLostRecordsPasses() {
		assertThatNoException().isThrownBy(() -> Verdicts.assertLost(outcome(IDS, Set.of(), ids(0, 1900), null)));
	}

	@Test
	void negativeControlWithNothingAcknowledgedFails() {
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> Verdicts.assertLost(outcome(Set.of(), IDS, Set.of(), null)))
			.withMessageContaining("records acknowledged");
	}

	private static Outcome outcome(Set<Long> acked, Set<Long> failed, Set<Long> consumed, Set<Long> verified) {
		return new Outcome("test", 0, null, IDS, acked, failed, Map.of(), consumed, consumed, 0, Set.of(), consumed,
				verified, 1, List.of());
	}

	private static Set<Long> ids(long from, long to) {
		return LongStream.range(from, to).boxed().collect(Collectors.toSet());
	}

}
