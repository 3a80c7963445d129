package dev.lossless.kafka.chaos;

import java.util.Set;

import dev.lossless.kafka.chaos.ScenarioRun.Outcome;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The assertions of the fault suite on the outcome of a scenario. Each can fail: a run
 * with too little acknowledged proves nothing and fails, and a negative control that lost
 * nothing means the fault did not take effect.
 *
 * @author Lossless Kafka team
 */
final class Verdicts {

	/**
	 * The fewest records a scenario must have acknowledged for its set difference to mean
	 * something.
	 */
	static final int MINIMUM_ACKED = 1000;

	private Verdicts() {
	}

	/**
	 * Assert that every acknowledged record was consumed (processed or dead-lettered),
	 * and read by Kafka's {@code VerifiableConsumer} when one ran.
	 * @param outcome the outcome of a scenario
	 */
	static void assertNothingLost(Outcome outcome) {
		assertEnoughAcknowledged(outcome);
		assertThat(outcome.producerStatus()).as("producer exit status").isZero();
		assertThat(outcome.lost()).as("acknowledged records never consumed").isEmpty();
		Set<Long> unverified = outcome.unverified();
		if (unverified != null) {
			assertThat(unverified).as("acknowledged records Kafka's VerifiableConsumer never read (acked - read)")
				.isEmpty();
		}
	}

	/**
	 * Assert that a negative control lost acknowledged records: if it lost none, its
	 * fault did not take effect and the scenario proves nothing.
	 * @param control the outcome of the negative control
	 */
	static void assertLost(Outcome control) {
		assertEnoughAcknowledged(control);
		assertThat(control.lost()).as("acknowledged records the negative control lost (none: the fault did not bite)")
			.isNotEmpty();
	}

	private static void assertEnoughAcknowledged(Outcome outcome) {
		assertThat(outcome.unresolved()).as("sends with no outcome reported to the application").isEmpty();
		assertThat(outcome.acked()).as("records acknowledged (at least " + MINIMUM_ACKED + " for a verdict)")
			.hasSizeGreaterThanOrEqualTo(MINIMUM_ACKED);
	}

}
