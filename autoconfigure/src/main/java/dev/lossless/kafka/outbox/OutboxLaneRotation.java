package dev.lossless.kafka.outbox;

import java.util.ArrayList;
import java.util.List;

import org.springframework.util.Assert;

/**
 * Picks and locks the lanes of a relay's rounds: up to half of them, the next ones after
 * those of the previous round, so that a second instance finds lanes to take; when
 * another relay holds them, the following ones.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class OutboxLaneRotation {

	private final OutboxStore store;

	private final int lanesPerRound;

	private int nextLane;

	private int roundsPerTurn = 1;

	/**
	 * Create an instance.
	 * @param store the outbox table
	 * @param lanes the number of lanes
	 */
	OutboxLaneRotation(OutboxStore store, int lanes) {
		Assert.notNull(store, "'store' cannot be null");
		Assert.isTrue(lanes > 0, "'lanes' must be positive");
		this.store = store;
		this.lanesPerRound = Math.max(1, (lanes + 1) / 2);
	}

	/**
	 * Lock the next lanes until the end of the current transaction.
	 * @return the locked lanes, empty when other relays hold every lane
	 */
	List<Integer> lockNext() {
		// every lane of the table: also those left by a larger 'lanes' setting
		List<Integer> all = this.store.lanes();
		this.roundsPerTurn = Math.max(1, (all.size() + this.lanesPerRound - 1) / this.lanesPerRound);
		for (int tried = 0; tried < all.size(); tried += this.lanesPerRound) {
			List<Integer> window = new ArrayList<>(this.lanesPerRound);
			for (int i = 0; i < Math.min(this.lanesPerRound, all.size()); i++) {
				window.add(all.get((this.nextLane + i) % all.size()));
			}
			this.nextLane = (this.nextLane + this.lanesPerRound) % all.size();
			List<Integer> locked = this.store.lockLanes(window);
			if (!locked.isEmpty()) {
				return locked;
			}
		}
		return List.of();
	}

	/**
	 * Return how many rounds in a row look at every lane once.
	 * @return the rounds of one turn over the lanes
	 */
	int roundsPerTurn() {
		return this.roundsPerTurn;
	}

}
