package dev.lossless.kafka.autoconfigure;

import dev.lossless.kafka.actuate.ListenerContainersLivenessIndicator;
import dev.lossless.kafka.rules.ReliabilityAudit;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the {@code kafkaListeners} health, which an application adds to
 * its liveness group so that a listener container that died restarts the application:
 * {@code management.endpoint.health.group.liveness.include=livenessState,kafkaListeners}.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
@AutoConfiguration(after = LosslessKafkaAutoConfiguration.class)
@ConditionalOnClass(HealthContributor.class)
@ConditionalOnBean(ReliabilityAudit.class)
@ConditionalOnEnabledHealthIndicator("kafkalisteners")
public final class LosslessKafkaLivenessAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "kafkaListenersHealthIndicator")
	ListenerContainersLivenessIndicator kafkaListenersHealthIndicator(
			ObjectProvider<KafkaListenerEndpointRegistry> registry) {
		return new ListenerContainersLivenessIndicator(ListenerContainers.of(registry));
	}

}
