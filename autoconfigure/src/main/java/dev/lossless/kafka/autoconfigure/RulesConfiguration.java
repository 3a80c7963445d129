package dev.lossless.kafka.autoconfigure;

import java.util.List;

import dev.lossless.kafka.rules.AcceptedRisks;
import dev.lossless.kafka.rules.ApplicationClients;
import dev.lossless.kafka.rules.DurabilityRules;
import dev.lossless.kafka.rules.ReliabilityAudit;
import dev.lossless.kafka.rules.SettingOrigins;
import dev.lossless.kafka.rules.StartupEnforcer;
import dev.lossless.kafka.topics.ApplicationTopics;
import dev.lossless.kafka.topics.DeadLetterTopicProvisioner;
import dev.lossless.kafka.topics.ShareGroupInspector;
import dev.lossless.kafka.topics.TestClusterDetector;
import dev.lossless.kafka.topics.TopicInspector;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * The durability rules: one catalogue, the risks the application accepts, the audit of
 * every client and topic against them, and the enforcement at startup.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
@Configuration(proxyBeanMethods = false)
class RulesConfiguration {

	private final LosslessKafkaProperties properties;

	RulesConfiguration(LosslessKafkaProperties properties) {
		this.properties = properties;
	}

	@Bean
	@ConditionalOnMissingBean
	DurabilityRules losslessDurabilityRules() {
		return new DurabilityRules(this.properties.getTopics().getMinReplicationFactor(),
				this.properties.getExactlyOnce().isEnabled(), this.properties.getDlt().getSuffix(),
				this.properties.getDlt().getMinRetention());
	}

	@Bean
	@ConditionalOnMissingBean
	AcceptedRisks losslessAcceptedRisks(DurabilityRules rules) {
		return new AcceptedRisks(this.properties.getAcceptedRisks(), rules);
	}

	@Bean
	@ConditionalOnMissingBean
	ReliabilityAudit losslessReliabilityAudit(DurabilityRules rules, AcceptedRisks acceptedRisks,
			Environment environment, ListableBeanFactory beanFactory,
			ObjectProvider<KafkaListenerEndpointRegistry> registry, ApplicationTopics topics, TopicInspector inspector,
			KafkaAdmin kafkaAdmin, ObjectProvider<ShareGroupInspector> shareGroups) {
		TestClusterDetector testCluster = new TestClusterDetector(environment, beanFactory,
				() -> TestClusterDetector.bootstrapServers(kafkaAdmin.getConfigurationProperties()));
		return new ReliabilityAudit(rules, acceptedRisks, new SettingOrigins(environment),
				new ApplicationClients(beanFactory), ListenerContainers.of(registry), topics::all,
				topics::sourceOfDeadLetterTopic, inspector, testCluster::signal, (groups) -> {
					ShareGroupInspector shareGroupInspector = shareGroups.getIfAvailable();
					return (shareGroupInspector != null) ? shareGroupInspector.inspect(groups) : List.of();
				});
	}

	@Bean
	@ConditionalOnMissingBean
	StartupEnforcer losslessStartupEnforcer(ReliabilityAudit audit,
			ObjectProvider<DeadLetterTopicProvisioner> provisioner) {
		return new StartupEnforcer(audit, this.properties.getEnforcement(), provisioner.getIfAvailable());
	}

}
