package dev.lossless.kafka.sample;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import dev.lossless.kafka.idempotent.IdempotentProcessor;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Component;

/**
 * The orders {@link OrderProcessor} has processed, in the {@code processed_order} table.
 *
 * @author Lossless Kafka team
 */
@Component
public final class ProcessedOrders {

	private final JdbcTemplate jdbc;

	private final IdempotentProcessor idempotent;

	ProcessedOrders(JdbcTemplate jdbc, IdempotentProcessor idempotent) {
		this.jdbc = jdbc;
		this.idempotent = idempotent;
	}

	/**
	 * Record an order as processed, in the caller's transaction.
	 * @param order the order
	 * @param source where the order was read, {@code topic-partition@offset}
	 */
	void add(Order order, String source) {
		this.jdbc.update(
				"INSERT INTO processed_order (id, item, quantity, source, processed_at) VALUES (?, ?, ?, ?, ?)",
				order.id(), order.item(), order.quantity(), source, Timestamp.from(Instant.now()));
	}

	/**
	 * Return whether the order with the given id was processed.
	 * @param id the order's id
	 * @return whether it was processed
	 */
	public boolean contains(String id) {
		Integer count = this.jdbc.queryForObject("SELECT COUNT(*) FROM processed_order WHERE id = ?", Integer.class,
				id);
		return count != null && count > 0;
	}

	/**
	 * Return the counts.
	 * @return the counts
	 */
	public Summary summary() {
		Map<String, Long> quantities = new TreeMap<>();
		RowCallbackHandler addQuantity = (row) -> quantities.put(row.getString(1), row.getLong(2));
		this.jdbc.query("SELECT item, SUM(quantity) FROM processed_order GROUP BY item", addQuantity);
		Long processed = this.jdbc.queryForObject("SELECT COUNT(*) FROM processed_order", Long.class);
		return new Summary((processed != null) ? processed : 0, this.idempotent.skipped(), quantities);
	}

	/**
	 * The counts of processed orders.
	 *
	 * @param processed how many distinct orders were processed
	 * @param duplicates how many records of an order processed before were skipped since
	 * the application started
	 * @param quantityByItem the quantity processed for each item
	 */
	public record Summary(long processed, long duplicates, Map<String, Long> quantityByItem) {
	}

}
