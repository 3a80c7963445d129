package dev.lossless.kafka.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The topic rules on a one-broker cluster: refused as they are in production, with one
 * finding for a topic and its dead-letter topic and no dead-letter topic created; relaxed
 * for the rules one broker cannot satisfy when the brokers are named a test cluster, the
 * client rules staying enforced.
 */
@ExtendWith(OutputCaptureExtension.class)
class TestClusterAuditIntegrationTests {

	private static EmbeddedKafkaCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = EmbeddedKafkaCluster.builder()
			.brokers(1)
			.brokerProperty("auto.create.topics.enable", "true")
			.brokerProperty("min.insync.replicas", "1")
			.start();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Test
	void singleBrokerClusterIsRefusedWithOneFindingPerTopicAndNoDeadLetterTopicCreated() throws Exception {
		String topic = KafkaTestSupport.unique("orders");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		Throwable failure = catchThrowable(() -> run(topic).close());
		assertThat(failure).rootCause().isInstanceOf(UnsafeKafkaSettingsException.class);
		UnsafeKafkaSettingsException unsafe = (UnsafeKafkaSettingsException) failure.getCause();
		assertThat(unsafe.getViolations()).extracting(RuleResult::id, RuleResult::subject)
			.containsExactlyInAnyOrder(tuple("topic.replication-factor", topic),
					tuple("topic.min-insync-replicas", topic));
		assertThat(unsafe.getViolations()).allSatisfy((violation) -> assertThat(violation.origin())
			.contains("and its dead-letter topic '" + topic + "-dlt' (1)"));
		try (Admin admin = cluster.createAdmin()) {
			assertThat(admin.listTopics().names().get()).contains(topic).doesNotContain(topic + "-dlt");
		}
	}

	@Test
	void testClusterAcceptsTheTopicRulesOneBrokerCannotSatisfyWithOneLogLine(CapturedOutput output) throws Exception {
		String topic = KafkaTestSupport.unique("orders");
		cluster.createTopic(topic, 2, (short) 1, Map.of());
		try (ConfigurableApplicationContext context = run(topic, "lossless.kafka.test-cluster=true");
				Admin admin = cluster.createAdmin()) {
			AuditReport report = context.getBean(ReliabilityAudit.class).auditTopics();
			assertThat(report.violations()).isEmpty();
			assertThat(report.withStatus(Verdict.ACCEPTED)).extracting(RuleResult::id, RuleResult::subject)
				.containsExactlyInAnyOrder(tuple("topic.replication-factor", topic),
						tuple("topic.min-insync-replicas", topic));
			assertThat(report.withStatus(Verdict.ACCEPTED))
				.allSatisfy((result) -> assertThat(result.actual()).contains("accepted for the test cluster"));
			TopicDescription deadLetter = admin.describeTopics(List.of(topic + "-dlt"))
				.allTopicNames()
				.get()
				.get(topic + "-dlt");
			assertThat(deadLetter.partitions()).hasSize(2)
				.allSatisfy((partition) -> assertThat(partition.replicas()).hasSize(1));
		}
		assertThat(count(output.getOut(), "recognized as a test cluster")).isOne();
		assertThat(output.getOut()).contains("lossless.kafka.test-cluster=true").doesNotContain("Accepted risk [");
	}

	@Test
	void clientRulesStayEnforcedOnATestCluster() {
		String topic = KafkaTestSupport.unique("orders");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		Throwable failure = catchThrowable(() -> run(topic, "lossless.kafka.test-cluster=true",
				"spring.kafka.consumer.auto-offset-reset=latest", "spring.kafka.producer.acks=1")
			.close());
		assertThat(failure).rootCause().isInstanceOf(UnsafeKafkaSettingsException.class);
		assertThat(((UnsafeKafkaSettingsException) failure.getCause()).getViolations()).extracting(RuleResult::id)
			.containsExactlyInAnyOrder("consumer.auto-offset-reset", "producer.acks", "producer.idempotence");
	}

	@Test
	void missingTopicTheBrokersWouldCreateIsAcceptedOnATestClusterOnly() {
		String topic = KafkaTestSupport.unique("auto");
		try (ConfigurableApplicationContext context = run(topic, "lossless.kafka.test-cluster=true")) {
			assertThat(context.getBean(ReliabilityAudit.class).auditTopics().results())
				.extracting(RuleResult::id, RuleResult::subject, RuleResult::status)
				.containsExactly(tuple("topic.exists", topic, Verdict.ACCEPTED));
		}
		Throwable failure = catchThrowable(() -> run(topic).close());
		assertThat(failure).rootCause().isInstanceOf(UnsafeKafkaSettingsException.class);
		assertThat(((UnsafeKafkaSettingsException) failure.getCause()).getViolations())
			.extracting(RuleResult::id, RuleResult::subject, RuleResult::remedy)
			.containsExactly(tuple("topic.exists", topic, new DurabilityRules(3).topicExists().getRemedy()));
		assertThat(new DurabilityRules(3).topicExists().getRemedy())
			.contains("on a test cluster with fewer brokers, as many replicas as it has brokers");
	}

	private static int count(String text, String fragment) {
		Matcher matcher = Pattern.compile(Pattern.quote(fragment)).matcher(text);
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

	private static ConfigurableApplicationContext run(String listenerTopic, String... extraProperties) {
		List<String> properties = new ArrayList<>(
				List.of("spring.kafka.bootstrap-servers=" + cluster.bootstrapServers(),
						"spring.kafka.consumer.group-id=" + KafkaTestSupport.unique("group"),
						"spring.kafka.listener.auto-startup=false", "test.topic=" + listenerTopic));
		properties.addAll(List.of(extraProperties));
		return KafkaTestSupport.run(ListenerApplication.class, properties.toArray(String[]::new));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(OrderListener.class)
	static class ListenerApplication {

	}

	static class OrderListener {

		@KafkaListener(id = "orders", topics = "${test.topic}")
		void listen(String order) {
		}

	}

}
