package dev.lossless.kafka.sample;

import dev.lossless.kafka.idempotent.IdempotentProcessor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Processes the orders, once each: the starter's {@link IdempotentProcessor} records the
 * message id of each record ({@code lossless-message-id}, set by the outbox) in the same
 * database transaction as the processed order, so an order published twice (the outbox
 * delivers at least once) or redelivered after a crash is skipped. An order whose
 * quantity is not positive is a poison order: the listener throws, the transaction rolls
 * back, the starter's error handler retries it, then publishes it to {@code orders-dlt}.
 * A record that is not an order at all (malformed JSON) fails to deserialize and goes to
 * {@code orders-dlt} at once, with its original bytes.
 *
 * @author Lossless Kafka team
 */
@Component
final class OrderProcessor {

	private static final Log logger = LogFactory.getLog(OrderProcessor.class);

	private final IdempotentProcessor idempotent;

	private final ProcessedOrders processedOrders;

	OrderProcessor(IdempotentProcessor idempotent, ProcessedOrders processedOrders) {
		this.idempotent = idempotent;
		this.processedOrders = processedOrders;
	}

	@KafkaListener(id = "order-processor", topics = SampleApplication.ORDERS_TOPIC)
	void process(ConsumerRecord<String, Order> record) {
		Order order = record.value();
		String source = record.topic() + "-" + record.partition() + "@" + record.offset();
		boolean processed = this.idempotent.processOnce(record, () -> {
			if (order.quantity() <= 0) {
				throw new IllegalArgumentException(
						"Order '" + order.id() + "' has quantity " + order.quantity() + "; it must be positive");
			}
			this.processedOrders.add(order, source);
		});
		if (processed) {
			logger.info("Processed order '" + order.id() + "': " + order.quantity() + " x " + order.item() + " ("
					+ source + ")");
		}
		else {
			logger.info("Skipped order '" + order.id() + "', processed before (" + source + ")");
		}
	}

}
