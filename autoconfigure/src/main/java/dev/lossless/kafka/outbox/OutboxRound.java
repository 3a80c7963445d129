package dev.lossless.kafka.outbox;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * pending row failed before sends only that row until it is acknowledged.
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
		List<OutboxRow> rows = this.store.pending(this.lanes.lockNext(), this.batchSize);
		if (rows.isEmpty()) {
			return new Result(0, 0, null);
		}
		OutboxSender.Sent sent = this.sender.send(inLaneOrder(rows));
		this.store.markSent(sent.acknowledged());
		return new Result(rows.size(), sent.acknowledged().size(), sent.failure());
	}

	/**
	 * Return the rows to send, in id order: all of a lane's rows, or only its oldest when
	 * that one failed before.
	 */
	private static List<OutboxRow> inLaneOrder(List<OutboxRow> rows) {
		Map<Integer, Boolean> probing = new LinkedHashMap<>();
		Set<Integer> probed = new HashSet<>();
		List<OutboxRow> toSend = new ArrayList<>(rows.size());
		for (OutboxRow row : rows) {
			boolean probe = probing.computeIfAbsent(row.lane(), (lane) -> row.attempts() > 0);
			if (!probe) {
				toSend.add(row);
			}
			else if (probed.add(row.lane())) {
				toSend.add(row);
			}
		}
		return toSend;
	}

	/**
	 * What a round did.
	 *
	 * @param read the pending rows it read
	 * @param published the rows it published and marked sent
	 * @param failure the last failure, or {@code null}
	 */
	record Result(int read, int published, @Nullable Failure failure) {

	}

}
