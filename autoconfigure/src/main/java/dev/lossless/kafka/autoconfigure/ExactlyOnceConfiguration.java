package dev.lossless.kafka.autoconfigure;

import dev.lossless.kafka.producer.TransactionIdPrefixCustomizer;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.transaction.KafkaAwareTransactionManager;
import org.springframework.kafka.transaction.KafkaTransactionManager;

/**
 * Exactly-once processing: a transactional producer factory and a Kafka transaction
 * manager, which Spring Boot gives to its listener container factory.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("lossless.kafka.exactly-once.enabled")
class ExactlyOnceConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TransactionIdPrefixCustomizer losslessTransactionIdPrefixCustomizer(LosslessKafkaProperties properties,
			Environment environment) {
		String prefix = properties.getExactlyOnce().getTransactionIdPrefix();
		return new TransactionIdPrefixCustomizer((prefix != null) ? prefix : TransactionIdPrefixCustomizer
			.uniquePrefix(environment.getProperty("spring.application.name", "lossless-kafka")));
	}

	// named like Spring Boot's own, which backs off (it is created only with
	// spring.kafka.producer.transaction-id-prefix)
	@Bean
	@ConditionalOnMissingBean(KafkaAwareTransactionManager.class)
	KafkaTransactionManager<?, ?> kafkaTransactionManager(ProducerFactory<?, ?> producerFactory) {
		return new KafkaTransactionManager<>(producerFactory);
	}

}
