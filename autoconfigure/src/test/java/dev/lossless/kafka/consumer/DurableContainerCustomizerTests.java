package dev.lossless.kafka.consumer;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DurableContainerCustomizer}'s warning about out-of-order
 * acknowledgements with an error handler that is not the starter's.
 */
@ExtendWith(OutputCaptureExtension.class)
class DurableContainerCustomizerTests {

	private static final String WARNING = "acknowledges out of order (async-acks)";

	@Test
	void outOfOrderAcknowledgementsWithAnApplicationDefaultErrorHandlerAreWarnedOfNamingTheListener(
			CapturedOutput output) {
		configure(true, AckMode.MANUAL, new DefaultErrorHandler());
		assertThat(output).contains("Listener 'orders' " + WARNING);
	}

	@Test
	void outOfOrderAcknowledgementsWithTheStarterHandlerAreNotWarnedOf(CapturedOutput output) {
		configure(true, AckMode.MANUAL,
				new DeadLetteringErrorHandler(
						new DeadLetterPublishingRecoverer(
								new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(Map.of()))),
						new FixedBackOff(0, 1)));
		assertThat(output).doesNotContain(WARNING);
	}

	@Test
	void inOrderAcknowledgementsWithAnApplicationDefaultErrorHandlerAreNotWarnedOf(CapturedOutput output) {
		configure(false, AckMode.MANUAL, new DefaultErrorHandler());
		assertThat(output).doesNotContain(WARNING);
	}

	private static void configure(boolean asyncAcks, AckMode ackMode, CommonErrorHandler handler) {
		ContainerProperties properties = new ContainerProperties("orders");
		properties.setAsyncAcks(asyncAcks);
		properties.setAckMode(ackMode);
		ConcurrentMessageListenerContainer<Object, Object> container = new ConcurrentMessageListenerContainer<>(
				new DefaultKafkaConsumerFactory<>(Map.of()), properties);
		container.setBeanName("orders");
		container.setCommonErrorHandler(handler);
		new DurableContainerCustomizer(Duration.ofSeconds(1), null).configure(container);
	}

}
