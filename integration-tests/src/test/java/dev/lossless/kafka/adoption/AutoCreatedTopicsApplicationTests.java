package dev.lossless.kafka.adoption;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.lossless.kafka.KafkaTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application whose topics the broker creates on first use, tested with
 * {@code @EmbeddedKafka(partitions = 1)} in a Spring test context, unchanged by the
 * starter: the missing topic is accepted for the test cluster, whose broker creates it.
 */
@SpringBootTest(classes = AutoCreatedTopicsApplicationTests.EventsApplication.class,
		properties = { "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
				"spring.kafka.consumer.group-id=events" })
@EmbeddedKafka(partitions = 1)
@DirtiesContext
class AutoCreatedTopicsApplicationTests {

	@AfterAll
	static void forgetTheBroker() {
		EmbeddedKafkaProperties.forget();
	}

	@Autowired
	private KafkaTemplate<String, String> template;

	@Autowired
	private EventsApplication application;

	// a journal of its own (see KafkaTestSupport#withOwnJournal)
	@DynamicPropertySource
	static void journal(DynamicPropertyRegistry registry) {
		registry.add(KafkaTestSupport.JOURNAL_DIRECTORY, () -> KafkaTestSupport.newJournalDirectory().toString());
	}

	@Test
	void eventSentToATopicTheBrokerCreatesIsReceived() throws Exception {
		this.template.send("events", "created").get(60, TimeUnit.SECONDS);
		assertThat(this.application.received.poll(60, TimeUnit.SECONDS)).isEqualTo("created");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class EventsApplication {

		final BlockingQueue<String> received = new LinkedBlockingQueue<>();

		@KafkaListener(topics = "events")
		void onEvent(String event) {
			this.received.add(event);
		}

	}

}
