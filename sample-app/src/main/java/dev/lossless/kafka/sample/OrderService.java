package dev.lossless.kafka.sample;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

import dev.lossless.kafka.outbox.OutboxPublisher;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Places orders: the order row and its message in the outbox are written in one database
 * transaction, so the order is published if and only if it was stored. The starter's
 * outbox relay publishes the message to {@code orders} after the commit, and marks it
 * sent once the brokers have acknowledged it.
 *
 * @author Lossless Kafka team
 */
@Service
public class OrderService {

	private final JdbcTemplate jdbc;

	private final OutboxPublisher outbox;

	OrderService(JdbcTemplate jdbc, OutboxPublisher outbox) {
		this.jdbc = jdbc;
		this.outbox = outbox;
	}

	/**
	 * Store an order and its message.
	 * @param order the order
	 * @return the id of its message, carried by the record as {@code lossless-message-id}
	 * @throws org.springframework.dao.DuplicateKeyException when an order with this id
	 * was placed before (nothing is written)
	 */
	@Transactional
	public UUID place(Order order) {
		UUID messageId = this.outbox.publish(SampleApplication.ORDERS_TOPIC, order.id(), order);
		this.jdbc.update(
				"INSERT INTO customer_order (id, item, quantity, message_id, placed_at) VALUES (?, ?, ?, ?, ?)",
				order.id(), order.item(), order.quantity(), messageId.toString(), Timestamp.from(Instant.now()));
		return messageId;
	}

}
