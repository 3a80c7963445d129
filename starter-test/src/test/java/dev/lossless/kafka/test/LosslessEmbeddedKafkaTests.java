package dev.lossless.kafka.test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.lossless.kafka.rules.ReliabilityAudit;
import dev.lossless.kafka.rules.RuleResult;
import dev.lossless.kafka.rules.Verdict;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A small application with a listener, tested the way a user would: with
 * {@link LosslessEmbeddedKafka} it starts with no accepted risk and round-trips a record.
 */
@SpringBootTest(properties = { "spring.kafka.consumer.group-id=greetings-app",
		"lossless.kafka.producer.journal.directory=target/lossless-kafka-journal" })
@LosslessEmbeddedKafka(topics = "greetings")
class LosslessEmbeddedKafkaTests {

	@Autowired
	private KafkaTemplate<String, String> template;

	@Autowired
	private GreetingsApplication application;

	@Autowired
	private ReliabilityAudit audit;

	@Value("${spring.kafka.bootstrap-servers}")
	private String bootstrapServers;

	@Test
	void applicationStartsWithNoAcceptedRiskAndRoundTripsARecord() {
		assertThat(this.bootstrapServers).isEqualTo(SharedKafkaClusters.get(3).bootstrapServers());
		assertThat(this.audit.audit().results()).isNotEmpty()
			.allSatisfy((result) -> assertThat(result.status()).as(result.id()).isEqualTo(Verdict.PASS))
			.extracting(RuleResult::id)
			.contains("topic.replication-factor", "topic.min-insync-replicas");
		this.template.send("greetings", "hello").join();
		await().atMost(Duration.ofSeconds(60)).until(() -> this.application.received.contains("hello"));
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class GreetingsApplication {

		final Set<String> received = ConcurrentHashMap.newKeySet();

		@KafkaListener(topics = "greetings")
		void listen(String greeting) {
			this.received.add(greeting);
		}

	}

}
