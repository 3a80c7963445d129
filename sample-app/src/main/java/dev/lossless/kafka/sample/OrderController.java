package dev.lossless.kafka.sample;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.producer.RecordMetadata;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Takes orders over HTTP. An order is accepted ({@code 202}) only once the brokers have
 * acknowledged it, with its partition and offset; when they have not within the send
 * timeout, or the send failed, the answer is {@code 503} with the reason, and the client
 * can retry with the same id.
 *
 * @author Lossless Kafka team
 */
@RestController
@RequestMapping("/orders")
final class OrderController {

	private static final Log logger = LogFactory.getLog(OrderController.class);

	private final KafkaTemplate<String, Order> kafkaTemplate;

	private final ProcessedOrders processedOrders;

	private final Duration sendTimeout;

	OrderController(KafkaTemplate<String, Order> kafkaTemplate, ProcessedOrders processedOrders,
			OrdersProperties properties) {
		this.kafkaTemplate = kafkaTemplate;
		this.processedOrders = processedOrders;
		this.sendTimeout = properties.sendTimeout();
	}

	@PostMapping
	ResponseEntity<?> placeOrder(@RequestBody Order order) {
		if (!StringUtils.hasText(order.id())) {
			return problem(HttpStatus.BAD_REQUEST, "An order needs an id");
		}
		try {
			CompletableFuture<SendResult<String, Order>> sent = this.kafkaTemplate.send(SampleApplication.ORDERS_TOPIC,
					order.id(), order);
			RecordMetadata metadata = sent.get(this.sendTimeout.toMillis(), TimeUnit.MILLISECONDS).getRecordMetadata();
			return ResponseEntity.accepted()
				.body(new OrderReceipt(order.id(), metadata.topic(), metadata.partition(), metadata.offset()));
		}
		catch (ExecutionException ex) {
			return notAccepted(order, "the brokers did not acknowledge it: " + rootCause(ex));
		}
		catch (TimeoutException ex) {
			return notAccepted(order, "the brokers did not acknowledge it within " + this.sendTimeout.toMillis()
					+ " ms; it may still be written, retry with the same id");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return notAccepted(order, "interrupted while waiting for the brokers' acknowledgement");
		}
		catch (RuntimeException ex) {
			return notAccepted(order, "it could not be sent: " + rootCause(ex));
		}
	}

	@GetMapping("/processed")
	ProcessedOrders.Summary processed() {
		return this.processedOrders.summary();
	}

	private static ResponseEntity<ProblemDetail> notAccepted(Order order, String reason) {
		logger.warn("Order '" + order.id() + "' not accepted: " + reason);
		return problem(HttpStatus.SERVICE_UNAVAILABLE, "Order '" + order.id() + "' not accepted: " + reason);
	}

	private static String rootCause(Throwable ex) {
		return NestedExceptionUtils.getMostSpecificCause(ex).toString();
	}

	private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail) {
		return ResponseEntity.status(status).body(ProblemDetail.forStatusAndDetail(status, detail));
	}

}
