package dev.lossless.kafka.autoconfigure;

import dev.lossless.kafka.consumer.DeadLetteredBatchRecords;
import dev.lossless.kafka.consumer.DeadLetteringBatchInterceptor;
import dev.lossless.kafka.consumer.DurableConsumerCustomizer;
import dev.lossless.kafka.consumer.DurableContainerCustomizer;
import dev.lossless.kafka.consumer.LostOffsets;
import dev.lossless.kafka.consumer.RebalanceListener;
import dev.lossless.kafka.consumer.RecoveryListener;
import dev.lossless.kafka.rules.SettingOrigins;
import dev.lossless.kafka.sequence.SequenceChecker;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.listener.AfterRollbackProcessor;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;

/**
 * The consumer side: durable consumer settings and what every listener container gets
 * (synchronous commits, a bounded shutdown, sequence checking, loss detection, the
 * rebalance reports and the dead-lettering of batch records).
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
@Configuration(proxyBeanMethods = false)
class ConsumerConfiguration {

	private final LosslessKafkaProperties properties;

	ConsumerConfiguration(LosslessKafkaProperties properties) {
		this.properties = properties;
	}

	@Bean
	@ConditionalOnMissingBean
	DurableConsumerCustomizer losslessConsumerCustomizer(Environment environment) {
		return new DurableConsumerCustomizer(new SettingOrigins(environment));
	}

	// Spring Boot has one slot for the container customizer and one for the rebalance
	// listener: the starter's beans are primary there and call the application's own,
	// so that theirs adds and ours stays

	@Bean
	@Primary
	@ConditionalOnMissingBean
	DurableContainerCustomizer losslessContainerCustomizer(ObjectProvider<SequenceChecker> sequenceChecker,
			ListableBeanFactory beanFactory, ObjectProvider<ConsumerRecordRecoverer> recoverer,
			DeadLetteredBatchRecords deadLetteredBatchRecords, ObjectProvider<RecoveryListener> recoveryListener,
			ObjectProvider<LostOffsets> lostOffsets) {
		ApplicationBeans.reportReplacements(beanFactory, CommonErrorHandler.class, "losslessErrorHandler",
				"listener.error-handler");
		ApplicationBeans.reportReplacements(beanFactory, AfterRollbackProcessor.class, "losslessAfterRollbackProcessor",
				"listener.error-handler");
		DurableContainerCustomizer customizer = new DurableContainerCustomizer(
				this.properties.getConsumer().getShutdownTimeout(), sequenceChecker.getIfAvailable(),
				lostOffsets.getIfAvailable(), ApplicationBeans.composedWith(beanFactory, ContainerCustomizer.class,
						"losslessContainerCustomizer", "synchronous commits and sequence checking"));
		ConsumerRecordRecoverer deadLetters = recoverer.getIfUnique();
		if (deadLetters != null) {
			customizer.setDeadLetteringBatchInterceptors((group) -> new DeadLetteringBatchInterceptor(deadLetters,
					deadLetteredBatchRecords, recoveryListener.getIfAvailable(), group));
		}
		return customizer;
	}

	@Bean
	@ConditionalOnMissingBean
	DeadLetteredBatchRecords losslessDeadLetteredBatchRecords() {
		return new DeadLetteredBatchRecords();
	}

	@Bean
	@Primary
	@ConditionalOnMissingBean
	RebalanceListener losslessRebalanceListener(ListableBeanFactory beanFactory) {
		return new RebalanceListener(ApplicationBeans.composedWith(beanFactory, ConsumerAwareRebalanceListener.class,
				"losslessRebalanceListener", "the rebalance reports and metrics"));
	}

	@Bean
	@ConditionalOnMissingBean
	RecoveryListener losslessRecoveryListener() {
		return new RecoveryListener();
	}

}
