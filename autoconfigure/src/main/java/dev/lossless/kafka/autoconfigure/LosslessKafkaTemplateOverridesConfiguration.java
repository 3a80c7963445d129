package dev.lossless.kafka.autoconfigure;

import dev.lossless.kafka.producer.TemplateOverridesPostProcessor;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the binding of {@code KafkaTemplate} beans with configuration overrides to their
 * own producer factory.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
@Configuration(proxyBeanMethods = false)
class LosslessKafkaTemplateOverridesConfiguration {

	@Bean
	static TemplateOverridesPostProcessor losslessTemplateOverridesPostProcessor() {
		return new TemplateOverridesPostProcessor();
	}

}
