package dev.lossless.kafka.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Topic rules and dead-letter topic provisioning against a real three-broker cluster,
 * where a replication factor of 3 is possible.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TopicAuditIntegrationTests {

	private static final String ELIGIBLE_LEADER_REPLICAS = "eligible.leader.replicas.version";

	private static EmbeddedKafkaCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = EmbeddedKafkaCluster.builder().brokers(3).start();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Test
	void durableTopicPassesAndItsDeadLetterTopicIsCreatedAsDurable() throws Exception {
		String topic = KafkaTestSupport.unique("orders");
		cluster.createTopic(topic, 3, (short) 3, Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2"));
		try (ConfigurableApplicationContext context = run(topic); Admin admin = cluster.createAdmin()) {
			TopicDescription deadLetter = admin.describeTopics(List.of(topic + "-dlt"))
				.allTopicNames()
				.get()
				.get(topic + "-dlt");
			assertThat(deadLetter.partitions()).hasSize(3)
				.allSatisfy((partition) -> assertThat(partition.replicas()).hasSize(3));
			ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic + "-dlt");
			Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
			assertThat(config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value()).isEqualTo("2");
			assertThat(config.get(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG).value()).isEqualTo("false");
			assertThat(config.get(TopicConfig.RETENTION_MS_CONFIG).value()).isEqualTo("-1");
			assertThat(config.get(TopicConfig.RETENTION_BYTES_CONFIG).value()).isEqualTo("-1");
			AuditReport report = context.getBean(ReliabilityAudit.class).auditTopics();
			assertThat(report.results()).extracting(RuleResult::subject).containsOnly(topic, topic + "-dlt");
			assertThat(report.results()).hasSize(11)
				.allSatisfy((result) -> assertThat(result.status()).isEqualTo(Verdict.PASS));
			assertThat(report.results()).filteredOn((result) -> result.id().equals("topic.dlt-retention"))
				.extracting(RuleResult::subject)
				.containsExactly(topic + "-dlt");
		}
	}

	@Test
	void deadLetterTopicThatDeletesItsRecordsIsRefusedAndTheConfiguredRetentionIsUsedOnCreation() throws Exception {
		String topic = KafkaTestSupport.unique("expiring");
		cluster.createTopic(topic, 1, (short) 3, Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2"));
		cluster.createTopic(topic + "-dlt", 1, (short) 3, Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2"));
		Throwable failure = catchThrowable(() -> run(topic).close());
		assertThat(failure).rootCause().isInstanceOf(UnsafeKafkaSettingsException.class);
		UnsafeKafkaSettingsException unsafe = (UnsafeKafkaSettingsException) failure.getCause();
		assertThat(unsafe.getViolations()).extracting(RuleResult::id, RuleResult::subject, RuleResult::actual)
			.containsExactly(
					tuple("topic.dlt-retention", topic + "-dlt", "retention.ms=604800000, retention.bytes=-1"));

		String created = KafkaTestSupport.unique("kept");
		cluster.createTopic(created, 1, (short) 3, Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2"));
		try (ConfigurableApplicationContext context = run(created, "lossless.kafka.dlt.retention=60d");
				Admin admin = cluster.createAdmin()) {
			ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, created + "-dlt");
			Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
			assertThat(config.get(TopicConfig.RETENTION_MS_CONFIG).value())
				.isEqualTo(Long.toString(java.time.Duration.ofDays(60).toMillis()));
			assertThat(context.getBean(ReliabilityAudit.class).auditTopics().withStatus(Verdict.PASS))
				.extracting(RuleResult::id)
				.contains("topic.dlt-retention");
		}
	}

	@Test
	void underReplicatedTopicIsRefusedAtStartupWithAnExplanation() {
		String topic = KafkaTestSupport.unique("audit");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		Throwable failure = catchThrowable(() -> run(null, "lossless.kafka.topics.verify=" + topic).close());
		assertThat(failure).rootCause().isInstanceOf(UnsafeKafkaSettingsException.class);
		UnsafeKafkaSettingsException unsafe = (UnsafeKafkaSettingsException) failure.getCause();
		assertThat(unsafe.getViolations()).extracting(RuleResult::id, RuleResult::subject, RuleResult::actual)
			.containsExactlyInAnyOrder(tuple("topic.replication-factor", topic, "1"),
					tuple("topic.min-insync-replicas", topic, "2"));
		FailureAnalysis analysis = new UnsafeKafkaSettingsFailureAnalyzer().analyze(failure);
		assertThat(analysis.getDescription())
			.contains("[topic.replication-factor] replication.factor = 1 on topic '" + topic + "'")
			.contains("expected: >= 3")
			.contains("why:");
		assertThat(analysis.getAction()).contains("lossless.kafka.accepted-risks=topic.replication-factor")
			.contains("lossless.kafka.enforcement=warn");
	}

	@Test
	void uncleanLeaderElectionIsRefusedUnlessAcceptedForThatTopic() {
		String topic = KafkaTestSupport.unique("unclean");
		cluster.createTopic(topic, 1, (short) 3, Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2",
				TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "true"));
		Throwable failure = catchThrowable(() -> run(null, "lossless.kafka.topics.verify=" + topic).close());
		assertThat(failure).rootCause()
			.isInstanceOf(UnsafeKafkaSettingsException.class)
			.hasMessageContaining("topic.unclean-leader-election on " + topic + " (true)");
		try (ConfigurableApplicationContext context = run(null, "lossless.kafka.topics.verify=" + topic,
				"lossless.kafka.accepted-risks=topic.unclean-leader-election:" + topic)) {
			assertThat(context.getBean(ReliabilityAudit.class).auditTopics().withStatus(Verdict.ACCEPTED))
				.extracting(RuleResult::id)
				.containsExactly("topic.unclean-leader-election");
		}
	}

	// last: it turns the cluster's eligible leader replicas off
	@Test
	@Order(Integer.MAX_VALUE)
	void clusterWithoutEligibleLeaderReplicasIsRefusedUnlessAccepted() throws Exception {
		String topic = KafkaTestSupport.unique("elr");
		cluster.createTopic(topic, 1, (short) 3, Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2"));
		try (ConfigurableApplicationContext context = run(null, "lossless.kafka.topics.verify=" + topic)) {
			assertThat(context.getBean(ReliabilityAudit.class).auditTopics().results())
				.filteredOn((result) -> result.id().equals("topic.eligible-leader-replicas"))
				.extracting(RuleResult::status, RuleResult::actual)
				.containsExactly(tuple(Verdict.PASS, "1"));
		}
		try (Admin admin = cluster.createAdmin()) {
			admin
				.updateFeatures(
						Map.of(ELIGIBLE_LEADER_REPLICAS,
								new FeatureUpdate((short) 0, FeatureUpdate.UpgradeType.SAFE_DOWNGRADE)),
						new UpdateFeaturesOptions())
				.all()
				.get();
			await().atMost(KafkaTestSupport.WAIT).untilAsserted(() -> {
				FinalizedVersionRange level = admin.describeFeatures()
					.featureMetadata()
					.get()
					.finalizedFeatures()
					.get(ELIGIBLE_LEADER_REPLICAS);
				assertThat((level != null) ? level.maxVersionLevel() : 0).isZero();
			});
		}
		// the broker the application asks may learn the level a moment later than the one
		// asked above
		await().atMost(KafkaTestSupport.WAIT).untilAsserted(() -> {
			Throwable failure = catchThrowable(() -> run(null, "lossless.kafka.topics.verify=" + topic).close());
			assertThat(failure).rootCause()
				.isInstanceOf(UnsafeKafkaSettingsException.class)
				.hasMessageContaining("topic.eligible-leader-replicas on " + topic + " (0)");
			FailureAnalysis analysis = new UnsafeKafkaSettingsFailureAnalyzer().analyze(failure);
			assertThat(analysis.getAction()).contains("upgrade --feature eligible.leader.replicas.version=1");
		});
		try (ConfigurableApplicationContext context = run(null, "lossless.kafka.topics.verify=" + topic,
				"lossless.kafka.accepted-risks=topic.eligible-leader-replicas")) {
			assertThat(context.getBean(ReliabilityAudit.class).auditTopics().withStatus(Verdict.ACCEPTED))
				.extracting(RuleResult::id)
				.containsExactly("topic.eligible-leader-replicas");
		}
	}

	@Test
	void missingTopicIsReportedAndOnlyItsExistenceIsJudged() {
		String topic = KafkaTestSupport.unique("missing");
		try (ConfigurableApplicationContext context = run(null, "lossless.kafka.topics.verify=" + topic,
				"lossless.kafka.enforcement=warn")) {
			assertThat(context.getBean(ReliabilityAudit.class).auditTopics().results())
				.extracting(RuleResult::id, RuleResult::status)
				.containsExactly(tuple("topic.exists", Verdict.FAIL));
		}
	}

	@Test
	void listenerOnADeadLetterTopicGetsItsOwnDeadLetterTopicAuditedAndCreated() throws Exception {
		String topic = KafkaTestSupport.unique("redrive") + "-dlt";
		// a dead-letter topic that keeps its records, as topic.dlt-retention wants
		cluster.createTopic(topic, 2, (short) 3,
				Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2", TopicConfig.RETENTION_MS_CONFIG, "-1"));
		try (ConfigurableApplicationContext context = run(topic); Admin admin = cluster.createAdmin()) {
			assertThat(admin.describeTopics(List.of(topic + "-dlt"))
				.allTopicNames()
				.get()
				.get(topic + "-dlt")
				.partitions()).hasSize(2);
			AuditReport report = context.getBean(ReliabilityAudit.class).auditTopics();
			assertThat(report.results()).extracting(RuleResult::subject).containsOnly(topic, topic + "-dlt");
			// six topic rules for each, both being dead-letter topics
			assertThat(report.results()).hasSize(12)
				.allSatisfy((result) -> assertThat(result.status()).isEqualTo(Verdict.PASS));
		}
	}

	private static ConfigurableApplicationContext run(String listenerTopic, String... extraProperties) {
		List<String> properties = new ArrayList<>(
				List.of("spring.kafka.bootstrap-servers=" + cluster.bootstrapServers(),
						"spring.kafka.consumer.group-id=" + KafkaTestSupport.unique("group")));
		properties.addAll(List.of(extraProperties));
		if (listenerTopic != null) {
			properties.add("test.topic=" + listenerTopic);
			return KafkaTestSupport.run(ListenerApplication.class, properties.toArray(String[]::new));
		}
		return KafkaTestSupport.run(PlainApplication.class, properties.toArray(String[]::new));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class PlainApplication {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(OrderListener.class)
	static class ListenerApplication {

	}

	static class OrderListener {

		final Set<String> seen = ConcurrentHashMap.newKeySet();

		@KafkaListener(id = "orders", topics = "${test.topic}")
		void listen(String order) {
			this.seen.add(order);
		}

	}

}
