package dev.lossless.kafka.autoconfigure;

import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

import dev.lossless.kafka.consumer.DeadLetterTemplates;
import dev.lossless.kafka.consumer.DeadLetteredBatchRecords;
import dev.lossless.kafka.consumer.DeadLetteringBatchInterceptor;
import dev.lossless.kafka.consumer.DeadLetteringAfterRollbackProcessor;
import dev.lossless.kafka.consumer.DeadLetteringErrorHandler;
import dev.lossless.kafka.consumer.ConsumerOffsetsInspector;
import dev.lossless.kafka.consumer.ConsumerOffsetsMonitor;
import dev.lossless.kafka.consumer.DurableConsumerCustomizer;
import dev.lossless.kafka.consumer.ListenerConsumerGroups;
import dev.lossless.kafka.consumer.DurableContainerCustomizer;
import dev.lossless.kafka.consumer.LostOffsets;
import dev.lossless.kafka.consumer.RebalanceListener;
import dev.lossless.kafka.consumer.RecoveryListener;
import dev.lossless.kafka.producer.DurableProducerCustomizer;
import dev.lossless.kafka.producer.JournalReplayProducers;
import dev.lossless.kafka.producer.LosslessProducerFactoryCustomizer;
import dev.lossless.kafka.producer.LosslessProducerPostProcessor;
import dev.lossless.kafka.producer.SendJournalReplayer;
import dev.lossless.kafka.producer.SendJournalStore;
import dev.lossless.kafka.producer.SendResultListener;
import dev.lossless.kafka.producer.TransactionIdPrefixCustomizer;
import dev.lossless.kafka.rules.AcceptedRisks;
import dev.lossless.kafka.rules.ApplicationClients;
import dev.lossless.kafka.rules.DurabilityRules;
import dev.lossless.kafka.rules.ProducerOverridesJudge;
import dev.lossless.kafka.rules.ReliabilityAudit;
import dev.lossless.kafka.rules.SettingOrigins;
import dev.lossless.kafka.rules.StartupEnforcer;
import dev.lossless.kafka.sequence.SequenceChecker;
import dev.lossless.kafka.topics.ApplicationTopics;
import dev.lossless.kafka.topics.DeadLetterTopicProvisioner;
import dev.lossless.kafka.topics.ShareGroupInspector;
import dev.lossless.kafka.topics.TestClusterDetector;
import dev.lossless.kafka.topics.TopicExistenceChecker;
import dev.lossless.kafka.topics.TopicInspector;
import org.apache.kafka.clients.admin.NewTopic;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.AfterRollbackProcessor;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.ProducerListener;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;
import org.springframework.kafka.transaction.KafkaAwareTransactionManager;
import org.springframework.kafka.transaction.KafkaTransactionManager;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} that hardens Spring Boot's Kafka support against message loss and
 * enforces the durability rules at startup. Runs before {@link KafkaAutoConfiguration} so
 * that Spring Boot's beans pick up its customizers and collaborators; every bean backs
 * off when the application defines its own.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
@AutoConfiguration(before = KafkaAutoConfiguration.class)
@ConditionalOnClass({ KafkaTemplate.class, KafkaAutoConfiguration.class })
@ConditionalOnBooleanProperty(name = "lossless.kafka.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LosslessKafkaProperties.class)
@Import({ LosslessKafkaTemplateOverridesConfiguration.class, LosslessKafkaDetectionConfiguration.class,
		SendJournalConfiguration.class, WorkerConfiguration.class })
public final class LosslessKafkaAutoConfiguration {

	private final LosslessKafkaProperties properties;

	LosslessKafkaAutoConfiguration(LosslessKafkaProperties properties) {
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

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "lossless.kafka.producer.journal.enabled", matchIfMissing = true)
	SendJournalStore losslessSendJournalStore(Environment environment) {
		LosslessKafkaProperties.Journal journal = this.properties.getProducer().getJournal();
		return SendJournalStore.open(SendJournalDirectory.resolve(environment, journal.getDirectory()),
				journal.getMaxSize().toBytes(), journal.getSegmentSize().toBytes());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "lossless.kafka.producer.journal.enabled", matchIfMissing = true)
	SendJournalReplayer losslessSendJournalReplayer(SendJournalStore journalStore,
			ProducerFactory<?, ?> producerFactory, ObjectProvider<TopicExistenceChecker> topicExistence) {
		LosslessKafkaProperties.Journal journal = this.properties.getProducer().getJournal();
		JournalReplayProducers producers = new JournalReplayProducers(producerFactory);
		return new SendJournalReplayer(journalStore.journal(), journalStore.rejected(), producers,
				journal.getReplayBatchSize(), producers.acknowledgementTimeout(), journal.getReplayBackOff(),
				journal.getReplayMaxBackOff(), SendJournalConfiguration.topicExistence(topicExistence));
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "lossless.kafka.sequence.enabled", matchIfMissing = true)
	SequenceChecker losslessSequenceChecker() {
		return new SequenceChecker();
	}

	@Bean
	@ConditionalOnMissingBean
	DurableConsumerCustomizer losslessConsumerCustomizer(Environment environment) {
		return new DurableConsumerCustomizer(new SettingOrigins(environment));
	}

	// Spring Boot has one slot for each of the next three: the starter's bean is primary
	// there and calls the application's own, so that theirs adds and ours stays

	@Bean
	@Primary
	@ConditionalOnMissingBean
	SendResultListener losslessSendResultListener(ListableBeanFactory beanFactory) {
		return new SendResultListener(ApplicationBeans.composedWith(beanFactory, ProducerListener.class,
				"losslessSendResultListener", "the send observation and the producer health"));
	}

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
		KafkaTemplate<?, ?> offsets = templateOn(transactional);
		DeadLetteringAfterRollbackProcessor processor = new DeadLetteringAfterRollbackProcessor(recoverer,
				backOff(retry), offsets);
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

	@Bean
	@ConditionalOnMissingBean
	DurabilityRules losslessDurabilityRules() {
		return new DurabilityRules(this.properties.getTopics().getMinReplicationFactor(),
				this.properties.getExactlyOnce().isEnabled(), this.properties.getDlt().getSuffix(),
				this.properties.getDlt().getMinRetention());
	}

	@Bean
	@ConditionalOnMissingBean
	AcceptedRisks losslessAcceptedRisks(DurabilityRules rules) {
		return new AcceptedRisks(this.properties.getAcceptedRisks(), rules);
	}

	@Bean
	@ConditionalOnMissingBean
	TopicInspector losslessTopicInspector(KafkaAdmin kafkaAdmin) {
		return new TopicInspector(kafkaAdmin.getConfigurationProperties(), this.properties.getTopics().getTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	ApplicationTopics losslessApplicationTopics(ObjectProvider<KafkaListenerEndpointRegistry> registry,
			ObjectProvider<NewTopic> newTopics) {
		return new ApplicationTopics(listenerContainers(registry), () -> newTopics.orderedStream().toList(),
				this.properties.getTopics().getVerify(), this.properties.getDlt().getSuffix());
	}

	@Bean
	@ConditionalOnMissingBean
	ReliabilityAudit losslessReliabilityAudit(DurabilityRules rules, AcceptedRisks acceptedRisks,
			Environment environment, ListableBeanFactory beanFactory,
			ObjectProvider<KafkaListenerEndpointRegistry> registry, ApplicationTopics topics, TopicInspector inspector,
			KafkaAdmin kafkaAdmin, ObjectProvider<ShareGroupInspector> shareGroups) {
		TestClusterDetector testCluster = new TestClusterDetector(environment, beanFactory,
				() -> TestClusterDetector.bootstrapServers(kafkaAdmin.getConfigurationProperties()));
		return new ReliabilityAudit(rules, acceptedRisks, new SettingOrigins(environment),
				new ApplicationClients(beanFactory), listenerContainers(registry), topics::all,
				topics::sourceOfDeadLetterTopic, inspector, testCluster::signal, (groups) -> {
					ShareGroupInspector shareGroupInspector = shareGroups.getIfAvailable();
					return (shareGroupInspector != null) ? shareGroupInspector.inspect(groups) : List.of();
				});
	}

	@Bean
	@ConditionalOnMissingBean
	StartupEnforcer losslessStartupEnforcer(ReliabilityAudit audit,
			ObjectProvider<DeadLetterTopicProvisioner> provisioner) {
		return new StartupEnforcer(audit, this.properties.getEnforcement(), provisioner.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "lossless.kafka.dlt.auto-create", matchIfMissing = true)
	DeadLetterTopicProvisioner losslessDeadLetterTopicProvisioner(ApplicationTopics topics, TopicInspector inspector) {
		return new DeadLetterTopicProvisioner(topics, inspector, this.properties.getTopics().getMinReplicationFactor(),
				this.properties.getDlt().getRetention());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "lossless.kafka.consumer.lag.enabled", matchIfMissing = true)
	ConsumerOffsetsInspector losslessConsumerOffsetsInspector(KafkaAdmin kafkaAdmin) {
		LosslessKafkaProperties.Lag lag = this.properties.getConsumer().getLag();
		return new ConsumerOffsetsInspector(kafkaAdmin.getConfigurationProperties(), lag.getTimeout(),
				lag.getRiskThreshold());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "lossless.kafka.consumer.lag.enabled", matchIfMissing = true)
	ConsumerOffsetsMonitor losslessConsumerOffsetsMonitor(ConsumerOffsetsInspector inspector,
			ObjectProvider<KafkaListenerEndpointRegistry> registry) {
		return new ConsumerOffsetsMonitor(inspector, new ListenerConsumerGroups(listenerContainers(registry)),
				this.properties.getConsumer().getLag().getInterval());
	}

	static Supplier<Collection<MessageListenerContainer>> listenerContainers(
			ObjectProvider<KafkaListenerEndpointRegistry> registry) {
		return () -> {
			KafkaListenerEndpointRegistry endpointRegistry = registry.getIfAvailable();
			return (endpointRegistry != null) ? endpointRegistry.getAllListenerContainers() : List.of();
		};
	}

	/**
	 * Exactly-once processing: a transactional producer factory and a Kafka transaction
	 * manager, which Spring Boot gives to its listener container factory.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("lossless.kafka.exactly-once.enabled")
	static class ExactlyOnceConfiguration {

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

}
