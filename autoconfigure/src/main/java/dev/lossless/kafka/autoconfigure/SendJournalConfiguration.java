package dev.lossless.kafka.autoconfigure;

import dev.lossless.kafka.producer.JournalReplayProducers;
import dev.lossless.kafka.producer.SendJournalReplayer;
import dev.lossless.kafka.producer.SendJournalStore;
import dev.lossless.kafka.producer.TopicExistence;
import dev.lossless.kafka.topics.TopicExistenceChecker;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.ProducerFactory;

/**
 * The send journal: the durable store of sends that failed, its replayer, and the check
 * that tells a topic that does not exist from an unreachable cluster.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "lossless.kafka.producer.journal.enabled", matchIfMissing = true)
class SendJournalConfiguration {

	private final LosslessKafkaProperties.Journal journal;

	SendJournalConfiguration(LosslessKafkaProperties properties) {
		this.journal = properties.getProducer().getJournal();
	}

	@Bean
	@ConditionalOnMissingBean
	SendJournalStore losslessSendJournalStore(Environment environment) {
		return SendJournalStore.open(SendJournalDirectory.resolve(environment, this.journal.getDirectory()),
				this.journal.getMaxSize().toBytes(), this.journal.getSegmentSize().toBytes());
	}

	@Bean
	@ConditionalOnMissingBean
	SendJournalReplayer losslessSendJournalReplayer(SendJournalStore journalStore,
			ProducerFactory<?, ?> producerFactory, ObjectProvider<TopicExistenceChecker> topicExistence) {
		JournalReplayProducers producers = new JournalReplayProducers(producerFactory);
		return new SendJournalReplayer(journalStore.journal(), journalStore.rejected(), producers,
				this.journal.getReplayBatchSize(), producers.acknowledgementTimeout(), this.journal.getReplayBackOff(),
				this.journal.getReplayMaxBackOff(), topicExistence(topicExistence));
	}

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
