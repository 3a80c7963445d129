package dev.lossless.kafka.autoconfigure;

import dev.lossless.kafka.consumer.ConsumerOffsetsInspector;
import dev.lossless.kafka.consumer.ConsumerOffsetsMonitor;
import dev.lossless.kafka.consumer.ListenerConsumerGroups;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * The consumer groups' committed offsets watched against each partition's log start and
 * end: lag, and records that retention removes before they are read.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "lossless.kafka.consumer.lag.enabled", matchIfMissing = true)
class ConsumerLagConfiguration {

	private final LosslessKafkaProperties.Lag lag;

	ConsumerLagConfiguration(LosslessKafkaProperties properties) {
		this.lag = properties.getConsumer().getLag();
	}

	@Bean
	@ConditionalOnMissingBean
	ConsumerOffsetsInspector losslessConsumerOffsetsInspector(KafkaAdmin kafkaAdmin) {
		return new ConsumerOffsetsInspector(kafkaAdmin.getConfigurationProperties(), this.lag.getTimeout(),
				this.lag.getRiskThreshold());
	}

	@Bean
	@ConditionalOnMissingBean
	ConsumerOffsetsMonitor losslessConsumerOffsetsMonitor(ConsumerOffsetsInspector inspector,
			ObjectProvider<KafkaListenerEndpointRegistry> registry) {
		return new ConsumerOffsetsMonitor(inspector, new ListenerConsumerGroups(ListenerContainers.of(registry)),
				this.lag.getInterval());
	}

}
