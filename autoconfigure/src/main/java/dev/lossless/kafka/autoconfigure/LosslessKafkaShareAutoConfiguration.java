package dev.lossless.kafka.autoconfigure;

import dev.lossless.kafka.actuate.ShareConsumersHealthIndicator;
import dev.lossless.kafka.actuate.ShareConsumersMeterBinder;
import dev.lossless.kafka.consumer.DeadLetteringShareRecoverer;
import dev.lossless.kafka.consumer.ShareAcknowledgements;
import dev.lossless.kafka.consumer.ShareContainerFactoryPostProcessor;
import dev.lossless.kafka.rules.ReliabilityAudit;
import dev.lossless.kafka.topics.ShareGroupInspector;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ShareKafkaListenerContainerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.ShareConsumerRecordRecoverer;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of share consumers (KIP-932): the dead-lettering recoverer every
 * share container factory gets, the acknowledgement counter, the share group inspector
 * the audit reads group configs with, and the {@code shareConsumers} health and meters.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
@AutoConfiguration(after = { LosslessKafkaAutoConfiguration.class, KafkaAutoConfiguration.class })
@ConditionalOnClass(ShareKafkaListenerContainerFactory.class)
@ConditionalOnBean(ReliabilityAudit.class)
@EnableConfigurationProperties(LosslessKafkaShareProperties.class)
public final class LosslessKafkaShareAutoConfiguration {

	@Bean
	static ShareContainerFactoryPostProcessor losslessShareContainerFactoryPostProcessor(
			ObjectProvider<ShareConsumerRecordRecoverer> recoverer,
			ObjectProvider<ShareAcknowledgements> acknowledgements) {
		return new ShareContainerFactoryPostProcessor(recoverer::getIfAvailable, acknowledgements::getObject);
	}

	@Bean
	@ConditionalOnMissingBean(ShareConsumerRecordRecoverer.class)
	@ConditionalOnBean(DeadLetterPublishingRecoverer.class)
	DeadLetteringShareRecoverer losslessShareRecoverer(DeadLetterPublishingRecoverer deadLetters,
			LosslessKafkaShareProperties properties) {
		return new DeadLetteringShareRecoverer(deadLetters, properties.getDeliveryCountLimit());
	}

	@Bean
	@ConditionalOnMissingBean
	ShareAcknowledgements losslessShareAcknowledgements() {
		return new ShareAcknowledgements();
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(KafkaAdmin.class)
	ShareGroupInspector losslessShareGroupInspector(KafkaAdmin kafkaAdmin, LosslessKafkaProperties properties) {
		return new ShareGroupInspector(kafkaAdmin.getConfigurationProperties(), properties.getTopics().getTimeout());
	}

	/**
	 * The {@code shareConsumers} health and the {@code lossless.kafka.share.*} meters.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ HealthIndicator.class, MeterBinder.class })
	static class ObservabilityConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "shareConsumersHealthIndicator")
		ShareConsumersHealthIndicator shareConsumersHealthIndicator(
				ObjectProvider<DeadLetteringShareRecoverer> recoverer, ShareAcknowledgements acknowledgements) {
			return new ShareConsumersHealthIndicator(recoverer::getIfAvailable, acknowledgements);
		}

		@Bean
		@ConditionalOnMissingBean
		ShareConsumersMeterBinder losslessShareConsumersMeterBinder(
				ObjectProvider<DeadLetteringShareRecoverer> recoverer, ShareAcknowledgements acknowledgements) {
			return new ShareConsumersMeterBinder(recoverer::getIfAvailable, acknowledgements);
		}

	}

}
