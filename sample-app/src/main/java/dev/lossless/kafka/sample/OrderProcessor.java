package dev.lossless.kafka.sample;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Processes the orders. An order whose quantity is not positive is a poison order: the
 * listener throws, the starter's error handler retries it, then publishes it to
 * {@code orders-dlt}. A record that is not an order at all (malformed JSON) fails to
 * deserialize and goes to {@code orders-dlt} at once, with its original bytes.
 *
 * @author Lossless Kafka team
 */
@Component
final class OrderProcessor {

	private static final Log logger = LogFactory.getLog(OrderProcessor.class);

	private final ProcessedOrders processedOrders;

	OrderProcessor(ProcessedOrders processedOrders) {
		this.processedOrders = processedOrders;
	}

	@KafkaListener(id = "order-processor", topics = SampleApplication.ORDERS_TOPIC)
	void process(ConsumerRecord<String, Order> record) {
		Order order = record.value();
		if (order.quantity() <= 0) {
			throw new IllegalArgumentException(
					"Order '" + order.id() + "' has quantity " + order.quantity() + "; it must be positive");
		}
		if (this.processedOrders.add(order)) {
			logger.info("Processed order '" + order.id() + "': " + order.quantity() + " x " + order.item() + " ("
					+ record.topic() + "-" + record.partition() + "@" + record.offset() + ")");
		}
		else {
			logger.info("Skipped order '" + order.id() + "', processed before (" + record.topic() + "-"
					+ record.partition() + "@" + record.offset() + ")");
		}
	}

}
