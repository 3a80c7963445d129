package dev.lossless.kafka.adoption;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.lossless.kafka.KafkaTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.context.EmbeddedKafka;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application tested with a JUnit-only {@code @EmbeddedKafka} broker (no Spring test
 * context: the broker only sets {@code spring.embedded.kafka.brokers}) and two tests,
 * unchanged by the starter: its one-broker cluster is recognized as a test cluster.
 */
@EmbeddedKafka(topics = "greetings")
class JUnitEmbeddedKafkaApplicationTests {

	@Test
	void greetingIsReceived() throws Exception {
		try (ConfigurableApplicationContext context = start()) {
			context.getBean(KafkaTemplate.class).send("greetings", "hello").get(30, TimeUnit.SECONDS);
			assertThat(context.getBean(GreetingsApplication.class).received.poll(60, TimeUnit.SECONDS))
				.isEqualTo("hello");
		}
	}

	@Test
	void secondGreetingIsReceivedByAnotherRun() throws Exception {
		try (ConfigurableApplicationContext context = start()) {
			context.getBean(KafkaTemplate.class).send("greetings", "bonjour").get(30, TimeUnit.SECONDS);
			assertThat(context.getBean(GreetingsApplication.class).received.poll(60, TimeUnit.SECONDS))
				.isEqualTo("bonjour");
		}
	}

	private static ConfigurableApplicationContext start() {
		// the application's own test configuration, and a journal of its own (see
		// KafkaTestSupport#withOwnJournal)
		return new SpringApplicationBuilder(GreetingsApplication.class).web(WebApplicationType.NONE)
			.properties(
					KafkaTestSupport.withOwnJournal("spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
							"spring.kafka.consumer.group-id=" + KafkaTestSupport.unique("greeter")))
			.run();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class GreetingsApplication {

		final BlockingQueue<String> received = new LinkedBlockingQueue<>();

		@KafkaListener(topics = "greetings")
		void greet(String greeting) {
			this.received.add(greeting);
		}

	}

}
