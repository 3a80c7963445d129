package dev.lossless.kafka.autoconfigure;

import dev.lossless.kafka.topics.ApplicationTopics;
import dev.lossless.kafka.topics.DeadLetterTopicProvisioner;
import dev.lossless.kafka.topics.TopicInspector;
import org.apache.kafka.clients.admin.NewTopic;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * The application's topics, what the cluster says of them, and the dead-letter topics the
 * starter creates safely.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
@Configuration(proxyBeanMethods = false)
class TopicsConfiguration {

	private final LosslessKafkaProperties properties;

	TopicsConfiguration(LosslessKafkaProperties properties) {
		this.properties = properties;
	}

	@Bean
	@ConditionalOnMissingBean
	TopicInspector losslessTopicInspector(KafkaAdmin kafkaAdmin) {
		return new TopicInspector(kafkaAdmin.getConfigurationProperties(), this.properties.getTopics().getTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	ApplicationTopics losslessApplicationTopics(ObjectProvider<KafkaListenerEndpointRegistry> registry,
			ObjectProvider<NewTopic> newTopics) {
		return new ApplicationTopics(ListenerContainers.of(registry), () -> newTopics.orderedStream().toList(),
				this.properties.getTopics().getVerify(), this.properties.getDlt().getSuffix());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "lossless.kafka.dlt.auto-create", matchIfMissing = true)
	DeadLetterTopicProvisioner losslessDeadLetterTopicProvisioner(ApplicationTopics topics, TopicInspector inspector) {
		return new DeadLetterTopicProvisioner(topics, inspector, this.properties.getTopics().getMinReplicationFactor(),
				this.properties.getDlt().getRetention());
	}

}
