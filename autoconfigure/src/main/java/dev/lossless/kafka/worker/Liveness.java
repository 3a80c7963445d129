package dev.lossless.kafka.worker;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Whether a background loop still works: its thread runs and its cycles keep ending.
 *
 * @param name the loop's name
 * @param running whether the loop was started and not stopped
 * @param alive whether its thread runs
 * @param lastCycle when its last cycle ended (successful or not), or when it started if
 * no cycle ended since, or {@code null} before a start
 * @param lastSuccess when its last successful cycle ended, or {@code null}
 * @param death why the loop died, or {@code null}
 * @param staleAfter how long without an ended cycle means the loop is stuck
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public record Liveness(String name, boolean running, boolean alive, @Nullable Instant lastCycle,
		@Nullable Instant lastSuccess, @Nullable String death, Duration staleAfter) {

	/**
	 * Return why the loop does not work, or {@code null} when it works or was not
	 * started.
	 * @param now the current time
	 * @return the problem, or {@code null}
	 */
	public @Nullable String problem(Instant now) {
		if (this.death != null) {
			return "died: " + this.death;
		}
		if (!this.running) {
			return null;
		}
		if (!this.alive) {
			return "its thread does not run";
		}
		if (this.lastCycle != null && Duration.between(this.lastCycle, now).compareTo(this.staleAfter) > 0) {
			return "no cycle ended since " + this.lastCycle + " (more than " + this.staleAfter + ")";
		}
		return null;
	}

}
