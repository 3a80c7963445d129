package dev.lossless.kafka.autoconfigure;

import dev.lossless.kafka.producer.TopicExistence;
import dev.lossless.kafka.topics.TopicExistenceChecker;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Beans of the send journal beside the journal and its replayer: the check that tells a
 * topic that does not exist from an unreachable cluster.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "lossless.kafka.producer.journal.enabled", matchIfMissing = true)
class SendJournalConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TopicExistenceChecker losslessTopicExistenceChecker(KafkaAdmin kafkaAdmin, LosslessKafkaProperties properties) {
		return new TopicExistenceChecker(kafkaAdmin.getConfigurationProperties(), properties.getTopics().getTimeout());
	}

	/**
	 * Return the check for the producer package, which knows no Admin client: it asks the
	 * checker when there is one, and confirms nothing otherwise.
	 * @param checker the checker, if any
	 * @return the check
	 */
	static TopicExistence topicExistence(ObjectProvider<TopicExistenceChecker> checker) {
		return (topic, partition) -> {
			TopicExistenceChecker available = checker.getIfAvailable();
			return available != null && available.confirmedMissing(topic, partition);
		};
	}

}
