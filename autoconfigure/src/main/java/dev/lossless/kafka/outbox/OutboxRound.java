package dev.lossless.kafka.outbox;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.lossless.kafka.outbox.OutboxMonitor.Failure;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * One round of the relay, in one database transaction: lock the next lanes, read up to a
 * batch of their pending rows in id order, send them, mark the acknowledged ones sent,
 * and commit. A lane is locked by one relay at a time, so no row is sent by two relays at
 * once, and the rows of a key (one lane) are sent in id order; a lane whose oldest
 * pending row failed before sends only that row until it is acknowledged, and the other
 * lanes fill the rest of the batch.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class OutboxRound {

	private static final Log logger = LogFactory.getLog(OutboxRound.class);

	private final OutboxStore store;

	private final OutboxLaneRotation lanes;

	private final OutboxSender sender;

	private final OutboxBacklogMonitor monitor;

	private final int batchSize;

	/**
	 * Create an instance.
	 * @param store the outbox table
	 * @param lanes the lanes of the rounds
	 * @param sender sends a round's rows
	 * @param monitor where a failed round is recorded
	 * @param batchSize the most rows of one round
	 */
	OutboxRound(OutboxStore store, OutboxLaneRotation lanes, OutboxSender sender, OutboxBacklogMonitor monitor,
			int batchSize) {
		Assert.notNull(store, "'store' cannot be null");
		Assert.notNull(lanes, "'lanes' cannot be null");
		Assert.notNull(sender, "'sender' cannot be null");
		Assert.notNull(monitor, "'monitor' cannot be null");
		Assert.isTrue(batchSize > 0, "'batchSize' must be positive");
		this.store = store;
		this.lanes = lanes;
		this.sender = sender;
		this.monitor = monitor;
		this.batchSize = batchSize;
	}

	/**
	 * Run a round in a transaction of its own.
	 * @return what it did; a database failure is a failed round that published nothing
	 */
	Result run() {
		try {
			Result result = this.store.inTransaction(this::inTransaction);
			Assert.state(result != null, "No round");
			return result;
		}
		catch (RuntimeException ex) {
			logger.debug("Outbox relay failure", ex);
			return new Result(0, 0, this.monitor.failed(null, null, ex));
		}
	}

	private Result inTransaction() {
		List<Integer> locked = this.lanes.lockNext();
		List<OutboxRow> rows = this.store.pending(locked, this.batchSize);
		if (rows.isEmpty()) {
			return new Result(0, 0, null);
		}
		List<OutboxRow> toSend = toSend(locked, rows);
		OutboxSender.Sent sent = this.sender.send(toSend);
		this.store.markSent(sent.acknowledged());
		// a failing lane counts as one row: a round that finds little else is short, and
		// the relay waits instead of reading the same rows again at once
		return new Result(toSend.size(), sent.acknowledged().size(), sent.failure());
	}

	/**
	 * Return the rows to send, in id order: all of a lane's rows, or only its oldest when
	 * that one failed before. When such a lane's rows took places of the batch, the other
	 * locked lanes are read again, so that a lane held up by its oldest row holds up no
	 * other.
	 */
	private List<OutboxRow> toSend(List<Integer> locked, List<OutboxRow> rows) {
		List<OutboxRow> toSend = new ArrayList<>(rows.size());
		Set<Integer> failingLanes = new HashSet<>();
		List<OutboxRow> read = rows;
		int limit = this.batchSize;
		while (true) {
			List<OutboxRow> others = new ArrayList<>(read.size());
			Set<Integer> seen = new HashSet<>();
			boolean skipped = false;
			for (OutboxRow row : read) {
				// the rows read of a lane are its oldest pending ones, in id order
				if (seen.add(row.lane()) && row.attempts() > 0) {
					failingLanes.add(row.lane());
					toSend.add(row);
				}
				else if (failingLanes.contains(row.lane())) {
					skipped = true;
				}
				else {
					others.add(row);
				}
			}
			List<Integer> otherLanes = locked.stream().filter((lane) -> !failingLanes.contains(lane)).toList();
			boolean full = read.size() >= limit;
			limit = this.batchSize - toSend.size();
			if (!skipped || !full || otherLanes.isEmpty() || limit <= 0) {
				toSend.addAll(others);
				toSend.sort(Comparator.comparingLong(OutboxRow::id));
				return toSend;
			}
			// each pass leaves out at least one more failing lane
			read = this.store.pending(otherLanes, limit);
		}
	}

	/**
	 * What a round did.
	 *
	 * @param read the pending rows it took up, a lane held up by its oldest row counting
	 * as one
	 * @param published the rows it published and marked sent
	 * @param failure the last failure, or {@code null}
	 */
	record Result(int read, int published, @Nullable Failure failure) {

	}

}
