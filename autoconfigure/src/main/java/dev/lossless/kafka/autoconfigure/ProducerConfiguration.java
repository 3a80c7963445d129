package dev.lossless.kafka.autoconfigure;

import dev.lossless.kafka.producer.DurableProducerCustomizer;
import dev.lossless.kafka.producer.LosslessProducerFactoryCustomizer;
import dev.lossless.kafka.producer.SendJournalReplayer;
import dev.lossless.kafka.producer.SendJournalStore;
import dev.lossless.kafka.producer.SendResultListener;
import dev.lossless.kafka.rules.ProducerOverridesJudge;
import dev.lossless.kafka.rules.ReliabilityAudit;
import dev.lossless.kafka.topics.TopicExistenceChecker;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.kafka.support.ProducerListener;

/**
 * The producer side: durable producer settings, the producer factory's wrapping (stamps,
 * observed sends, the journal as fallback) and the observation of every send result.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
@Configuration(proxyBeanMethods = false)
class ProducerConfiguration {

	private final LosslessKafkaProperties properties;

	ProducerConfiguration(LosslessKafkaProperties properties) {
		this.properties = properties;
	}

	@Bean
	@ConditionalOnMissingBean
	DurableProducerCustomizer losslessProducerCustomizer() {
		return new DurableProducerCustomizer(this.properties.getProducer().getDeliveryTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	LosslessProducerFactoryCustomizer losslessProducerFactoryCustomizer(ObjectProvider<SendJournalStore> journalStore,
			ObjectProvider<SendJournalReplayer> replayer, ObjectProvider<TopicExistenceChecker> topicExistence,
			ObjectProvider<ReliabilityAudit> audit) {
		SendJournalStore store = journalStore.getIfAvailable();
		LosslessProducerFactoryCustomizer customizer = new LosslessProducerFactoryCustomizer(
				this.properties.getSequence().isEnabled(), (store != null) ? store.journal() : null,
				() -> replayer.ifAvailable(SendJournalReplayer::wakeUp),
				SendJournalConfiguration.topicExistence(topicExistence));
		customizer.setOverridesJudge((configs) -> audit
			.ifAvailable((available) -> new ProducerOverridesJudge(() -> available, this.properties.getEnforcement())
				.accept(configs)));
		return customizer;
	}

	// Spring Boot has one slot for the producer listener: the starter's bean is primary
	// there and calls the application's own, so that theirs adds and ours stays
	@Bean
	@Primary
	@ConditionalOnMissingBean
	SendResultListener losslessSendResultListener(ListableBeanFactory beanFactory) {
		return new SendResultListener(ApplicationBeans.composedWith(beanFactory, ProducerListener.class,
				"losslessSendResultListener", "the send observation and the producer health"));
	}

}
