package dev.lossless.kafka.autoconfigure;

import dev.lossless.kafka.consumer.DeadLetterTemplates;
import dev.lossless.kafka.consumer.DeadLetteredBatchRecords;
import dev.lossless.kafka.consumer.DeadLetteringAfterRollbackProcessor;
import dev.lossless.kafka.consumer.DeadLetteringErrorHandler;
import dev.lossless.kafka.consumer.RecoveryListener;
import dev.lossless.kafka.producer.LosslessProducerPostProcessor;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.AfterRollbackProcessor;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;
import org.springframework.kafka.transaction.KafkaAwareTransactionManager;

/**
 * Failed records: retried with a back-off, then published to a dead-letter topic, and
 * never skipped when that publish fails; the same for transactional listeners after a
 * rollback.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
@Configuration(proxyBeanMethods = false)
class DeadLetteringConfiguration {

	private final LosslessKafkaProperties properties;

	DeadLetteringConfiguration(LosslessKafkaProperties properties) {
		this.properties = properties;
	}

	@Bean
	@ConditionalOnMissingBean
	DeadLetterTemplates losslessDeadLetterTemplates(ProducerFactory<?, ?> producerFactory,
			ObjectProvider<ConsumerFactory<?, ?>> consumerFactory) {
		boolean stamp = this.properties.getSequence().isEnabled();
		return new DeadLetterTemplates(producerFactory, consumerFactory.getIfUnique(), (deadLetterFactory) -> {
			if (stamp) {
				LosslessProducerPostProcessor.stamping(deadLetterFactory, DeadLetterTemplates::failedRecordOf)
					.register();
			}
		});
	}

	@Bean
	@ConditionalOnMissingBean(ConsumerRecordRecoverer.class)
	DeadLetterPublishingRecoverer losslessDeadLetterRecoverer(DeadLetterTemplates deadLetterTemplates) {
		return deadLetterTemplates.recoverer(this.properties.getDlt().getSuffix());
	}

	@Bean
	@ConditionalOnMissingBean(CommonErrorHandler.class)
	DeadLetteringErrorHandler losslessErrorHandler(ConsumerRecordRecoverer recoverer,
			ObjectProvider<RecoveryListener> recoveryListener) {
		LosslessKafkaProperties.Retry retry = this.properties.getConsumer().getRetry();
		DeadLetteringErrorHandler errorHandler = new DeadLetteringErrorHandler(recoverer, backOff(retry));
		retry.getNonRetryableExceptions().forEach(errorHandler::addNotRetryableExceptions);
		recoveryListener.ifAvailable(errorHandler::setRetryListeners);
		return errorHandler;
	}

	@Bean
	@ConditionalOnMissingBean(AfterRollbackProcessor.class)
	DeadLetteringAfterRollbackProcessor losslessAfterRollbackProcessor(ConsumerRecordRecoverer recoverer,
			ProducerFactory<?, ?> producerFactory,
			ObjectProvider<KafkaAwareTransactionManager<?, ?>> transactionManager,
			ObjectProvider<RecoveryListener> recoveryListener,
			ObjectProvider<DeadLetteredBatchRecords> deadLetteredBatchRecords) {
		LosslessKafkaProperties.Retry retry = this.properties.getConsumer().getRetry();
		KafkaAwareTransactionManager<?, ?> manager = transactionManager.getIfUnique();
		ProducerFactory<?, ?> transactional = (manager != null) ? manager.getProducerFactory() : producerFactory;
		DeadLetteringAfterRollbackProcessor processor = new DeadLetteringAfterRollbackProcessor(recoverer,
				backOff(retry), templateOn(transactional));
		retry.getNonRetryableExceptions().forEach(processor::addNotRetryableExceptions);
		recoveryListener.ifAvailable(processor::setRetryListeners);
		deadLetteredBatchRecords.ifAvailable(processor::setDeadLetteredBatchRecords);
		return processor;
	}

	private static <K, V> KafkaTemplate<K, V> templateOn(ProducerFactory<K, V> producerFactory) {
		return new KafkaTemplate<>(producerFactory);
	}

	private static ExponentialBackOffWithMaxRetries backOff(LosslessKafkaProperties.Retry retry) {
		ExponentialBackOffWithMaxRetries backOff = new ExponentialBackOffWithMaxRetries(
				Math.max(0, retry.getAttempts() - 1));
		backOff.setInitialInterval(retry.getInitialInterval().toMillis());
		backOff.setMultiplier(retry.getMultiplier());
		backOff.setMaxInterval(retry.getMaxInterval().toMillis());
		return backOff;
	}

}
