package dev.lossless.kafka.sample;

import java.util.UUID;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Takes orders over HTTP. An order is accepted ({@code 202}) once it and its message are
 * committed to the database; the outbox relay publishes the message to Kafka after that,
 * and keeps it until the brokers acknowledge it, through restarts and broker outages. An
 * order id placed before is refused with {@code 409}; when the database cannot store the
 * order, the answer is {@code 503} and nothing was written.
 *
 * @author Lossless Kafka team
 */
@RestController
@RequestMapping("/orders")
final class OrderController {

	private static final Log logger = LogFactory.getLog(OrderController.class);

	private final OrderService orders;

	private final ProcessedOrders processedOrders;

	OrderController(OrderService orders, ProcessedOrders processedOrders) {
		this.orders = orders;
		this.processedOrders = processedOrders;
	}

	@PostMapping
	ResponseEntity<?> placeOrder(@RequestBody Order order) {
		if (!StringUtils.hasText(order.id())) {
			return problem(HttpStatus.BAD_REQUEST, "An order needs an id");
		}
		try {
			UUID messageId = this.orders.place(order);
			return ResponseEntity.accepted().body(new OrderReceipt(order.id(), messageId));
		}
		catch (DuplicateKeyException ex) {
			return problem(HttpStatus.CONFLICT, "Order '" + order.id() + "' was placed before");
		}
		catch (RuntimeException ex) {
			String reason = NestedExceptionUtils.getMostSpecificCause(ex).toString();
			logger.warn("Order '" + order.id() + "' not accepted: " + reason);
			return problem(HttpStatus.SERVICE_UNAVAILABLE,
					"Order '" + order.id() + "' not accepted, nothing was stored: " + reason);
		}
	}

	@GetMapping("/processed")
	ProcessedOrders.Summary processed() {
		return this.processedOrders.summary();
	}

	private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail) {
		return ResponseEntity.status(status).body(ProblemDetail.forStatusAndDetail(status, detail));
	}

}
