package dev.lossless.kafka.adoption;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import dev.lossless.kafka.KafkaTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.context.EmbeddedKafka;

import static org.awaitility.Awaitility.await;

/**
 * An application tested with a JUnit-only {@code @EmbeddedKafka} broker (no Spring test
 * context: the broker only sets {@code spring.embedded.kafka.brokers}) and two tests,
 * unchanged by the starter: its one-broker cluster is recognized as a test cluster.
 */
@EmbeddedKafka(topics = "greetings")
class JUnitEmbeddedKafkaApplicationTests {

	@AfterAll
	static void forgetTheBroker() {
		EmbeddedKafkaProperties.forget();
	}

	@Test
	void greetingIsReceived() throws Exception {
		try (ConfigurableApplicationContext context = start()) {
			context.getBean(KafkaTemplate.class).send("greetings", "hello").get(30, TimeUnit.SECONDS);
			await().atMost(KafkaTestSupport.WAIT)
				.until(() -> context.getBean(GreetingsApplication.class).received.contains("hello"));
		}
	}

	@Test
	void secondGreetingIsReceivedByAnotherRun() throws Exception {
		try (ConfigurableApplicationContext context = start()) {
			context.getBean(KafkaTemplate.class).send("greetings", "bonjour").get(30, TimeUnit.SECONDS);
			await().atMost(KafkaTestSupport.WAIT)
				.until(() -> context.getBean(GreetingsApplication.class).received.contains("bonjour"));
		}
	}

	private static ConfigurableApplicationContext start() {
		// the application's own test configuration, and a journal of its own (see
		// KafkaTestSupport#withOwnJournal)
		return new SpringApplicationBuilder(GreetingsApplication.class).web(WebApplicationType.NONE)
			.properties(
					KafkaTestSupport.withOwnJournal("spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
							"spring.kafka.consumer.group-id=greeter"))
			.run();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class GreetingsApplication {

		final Queue<String> received = new ConcurrentLinkedQueue<>();

		@KafkaListener(topics = "greetings")
		void greet(String greeting) {
			this.received.add(greeting);
		}

	}

}
