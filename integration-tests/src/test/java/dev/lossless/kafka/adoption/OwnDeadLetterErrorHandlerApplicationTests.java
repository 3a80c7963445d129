package dev.lossless.kafka.adoption;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.rules.ReliabilityAudit;
import dev.lossless.kafka.rules.Verdict;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.backoff.FixedBackOff;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application with its own {@link DefaultErrorHandler} on a
 * {@link DeadLetterPublishingRecoverer}, its topics as {@link NewTopic} beans and a
 * {@code contextLoads} test on an {@code @EmbeddedKafka} broker, unchanged by the
 * starter: its error handler dead-letters, its topics are accepted for the test cluster.
 */
@SpringBootTest(classes = OwnDeadLetterErrorHandlerApplicationTests.PaymentsApplication.class,
		properties = { "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
				"spring.kafka.consumer.group-id=payments" })
@EmbeddedKafka
@DirtiesContext
class OwnDeadLetterErrorHandlerApplicationTests {

	@AfterAll
	static void forgetTheBroker() {
		EmbeddedKafkaProperties.forget();
	}

	@Autowired
	private ReliabilityAudit audit;

	// a journal of its own (see KafkaTestSupport#withOwnJournal)
	@DynamicPropertySource
	static void journal(DynamicPropertyRegistry registry) {
		registry.add(KafkaTestSupport.JOURNAL_DIRECTORY, () -> KafkaTestSupport.newJournalDirectory().toString());
	}

	@Test
	void contextLoads() {
		assertThat(this.audit.audit().violations()).isEmpty();
		assertThat(this.audit.audit().results()).filteredOn((result) -> result.id().equals("listener.error-handler"))
			.extracting((result) -> result.status())
			.containsOnly(Verdict.PASS);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class PaymentsApplication {

		@Bean
		NewTopic payments() {
			return TopicBuilder.name("payments").partitions(2).replicas(1).build();
		}

		@Bean
		NewTopic paymentsDeadLetters() {
			return TopicBuilder.name("payments-dlt").partitions(2).replicas(1).build();
		}

		@Bean
		DefaultErrorHandler errorHandler(KafkaTemplate<Object, Object> template) {
			return new DefaultErrorHandler(new DeadLetterPublishingRecoverer(template), new FixedBackOff(500, 2));
		}

		@KafkaListener(topics = "payments")
		void onPayment(String payment) {
		}

	}

}
