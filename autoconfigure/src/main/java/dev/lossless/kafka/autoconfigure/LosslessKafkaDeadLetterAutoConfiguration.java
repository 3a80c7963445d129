package dev.lossless.kafka.autoconfigure;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import dev.lossless.kafka.actuate.DeadLetterMeterBinder;
import dev.lossless.kafka.actuate.DeadLettersEndpoint;
import dev.lossless.kafka.deadletter.DeadLetterConsumers;
import dev.lossless.kafka.deadletter.DeadLetterInspector;
import dev.lossless.kafka.deadletter.DeadLetterRedriver;
import dev.lossless.kafka.deadletter.DeadLetters;
import dev.lossless.kafka.producer.ByteArrayProducerSettings;
import dev.lossless.kafka.producer.LosslessProducerPostProcessor;
import dev.lossless.kafka.rules.ReliabilityAudit;
import dev.lossless.kafka.topics.ApplicationTopics;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the dead letters' inspection and redrive: {@link DeadLetters},
 * the {@code deadletters} endpoint and the {@code lossless.kafka.dlt.offsets} meters (the
 * {@code deadLetters} health is part of {@code kafkaReliability}).
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
@AutoConfiguration(after = { LosslessKafkaAutoConfiguration.class, KafkaAutoConfiguration.class })
@ConditionalOnBean({ ReliabilityAudit.class, ConsumerFactory.class, ProducerFactory.class })
public final class LosslessKafkaDeadLetterAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	DeadLetters losslessDeadLetters(LosslessKafkaProperties properties, ApplicationTopics topics,
			ConsumerFactory<?, ?> consumerFactory, RedriveTemplate redriveTemplate) {
		LosslessKafkaProperties.Dlt dlt = properties.getDlt();
		DeadLetterConsumers consumers = new DeadLetterConsumers(consumerFactory.getConfigurationProperties(),
				dlt.getTimeout());
		DeadLetterInspector inspector = new DeadLetterInspector(consumers, dlt.getPageSize(), dlt.getScanLimit(),
				dlt.isShowValues(), dlt.getMaxRedrives());
		DeadLetterRedriver redriver = new DeadLetterRedriver(consumers, redriveTemplate.template,
				redriveTemplate.acknowledgementTimeout, dlt.getMaxRedrives(), dlt.getRedriveBatchSize());
		return new DeadLetters(() -> {
			Set<String> deadLetterTopics = new LinkedHashSet<>();
			topics.listenerTopics().forEach((topic) -> deadLetterTopics.add(topics.deadLetterTopicOf(topic)));
			return deadLetterTopics;
		}, inspector, redriver);
	}

	@Bean
	@ConditionalOnMissingBean
	RedriveTemplate losslessRedriveTemplate(LosslessKafkaProperties properties, ProducerFactory<?, ?> producerFactory) {
		return new RedriveTemplate(producerFactory, properties.getSequence().isEnabled());
	}

	/**
	 * The {@code deadletters} endpoint.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
	@ConditionalOnAvailableEndpoint(DeadLettersEndpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		DeadLettersEndpoint deadLettersEndpoint(DeadLetters deadLetters) {
			return new DeadLettersEndpoint(deadLetters);
		}

	}

	/**
	 * The dead-letter topics' meters.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		DeadLetterMeterBinder losslessDeadLetterMeterBinder(DeadLetters deadLetters) {
			return new DeadLetterMeterBinder(deadLetters);
		}

	}

	/**
	 * The producer that republishes dead letters: the application's hardened settings
	 * (acks, idempotence, delivery timeout, sequence stamps), byte array serializers, no
	 * transaction, partitioner or interceptor of the application.
	 */
	static final class RedriveTemplate implements DisposableBean {

		private final DefaultKafkaProducerFactory<byte[], byte[]> producerFactory;

		private final KafkaTemplate<byte[], byte[]> template;

		private final java.time.Duration acknowledgementTimeout;

		RedriveTemplate(ProducerFactory<?, ?> applicationFactory, boolean stampSequences) {
			Map<String, Object> configs = ByteArrayProducerSettings.from(applicationFactory, "lossless-redrive");
			this.producerFactory = new DefaultKafkaProducerFactory<>(configs, new ByteArraySerializer(),
					new ByteArraySerializer());
			if (stampSequences) {
				LosslessProducerPostProcessor.stamping(this.producerFactory).register();
			}
			this.template = new KafkaTemplate<>(this.producerFactory);
			this.acknowledgementTimeout = ByteArrayProducerSettings.acknowledgementTimeout(applicationFactory);
		}

		@Override
		public void destroy() {
			this.producerFactory.destroy();
		}

	}

}
