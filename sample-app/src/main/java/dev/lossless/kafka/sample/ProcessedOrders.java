package dev.lossless.kafka.sample;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.springframework.stereotype.Component;

/**
 * What {@link OrderProcessor} has processed since the application started, in memory. A
 * record redelivered after a rebalance or a restart is counted as a duplicate, not
 * processed twice.
 *
 * @author Lossless Kafka team
 */
@Component
public final class ProcessedOrders {

	private final Set<String> ids = ConcurrentHashMap.newKeySet();

	private final Map<String, LongAdder> quantityByItem = new ConcurrentHashMap<>();

	private final LongAdder duplicates = new LongAdder();

	/**
	 * Record an order as processed.
	 * @param order the order
	 * @return {@code true} if the order is new, {@code false} if it was processed before
	 */
	boolean add(Order order) {
		if (!this.ids.add(order.id())) {
			this.duplicates.increment();
			return false;
		}
		this.quantityByItem.computeIfAbsent(order.item(), (item) -> new LongAdder()).add(order.quantity());
		return true;
	}

	/**
	 * Return whether the order with the given id was processed.
	 * @param id the order's id
	 * @return whether it was processed
	 */
	public boolean contains(String id) {
		return this.ids.contains(id);
	}

	/**
	 * Return the counts.
	 * @return the counts
	 */
	public Summary summary() {
		Map<String, Long> quantities = new TreeMap<>();
		this.quantityByItem.forEach((item, quantity) -> quantities.put(item, quantity.sum()));
		return new Summary(this.ids.size(), this.duplicates.sum(), quantities);
	}

	/**
	 * The counts of processed orders.
	 *
	 * @param processed how many distinct orders were processed
	 * @param duplicates how many redelivered orders were skipped
	 * @param quantityByItem the quantity processed for each item
	 */
	public record Summary(long processed, long duplicates, Map<String, Long> quantityByItem) {

	}

}
