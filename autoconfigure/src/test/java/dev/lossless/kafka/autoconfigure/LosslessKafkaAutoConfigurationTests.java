package dev.lossless.kafka.autoconfigure;

import org.springframework.test.util.ReflectionTestUtils;
import org.assertj.core.api.InstanceOfAssertFactories;
import dev.lossless.kafka.consumer.LostOffsetsDetector;
import dev.lossless.kafka.consumer.DeadLetterTemplates;
import dev.lossless.kafka.consumer.DeadLetteredBatchRecords;
import dev.lossless.kafka.consumer.DeadLetteringAfterRollbackProcessor;
import dev.lossless.kafka.consumer.DeadLetteringErrorHandler;
import dev.lossless.kafka.consumer.DurableConsumerCustomizer;
import dev.lossless.kafka.consumer.LostOffsets;
import dev.lossless.kafka.consumer.OffsetsRetentionAudit;
import dev.lossless.kafka.producer.LosslessProducerFactoryCustomizer;
import dev.lossless.kafka.producer.TransactionIdPrefixCustomizer;
import dev.lossless.kafka.rules.AcceptedRisks;
import dev.lossless.kafka.rules.DurabilityRules;
import dev.lossless.kafka.topics.ApplicationTopics;
import dev.lossless.kafka.topics.TopicExistenceChecker;
import dev.lossless.kafka.topics.TopicInspector;
import org.springframework.util.ClassUtils;
import org.springframework.objenesis.ObjenesisStd;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.kafka.listener.CompositeRecordInterceptor;
import dev.lossless.kafka.producer.SendJournalStore;
import dev.lossless.kafka.producer.SendJournalReplayer;
import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.sequence.SequenceCheckingInterceptor;
import dev.lossless.kafka.sequence.SequenceWindowResetter;
import dev.lossless.kafka.sequence.SequenceChecker;
import dev.lossless.kafka.producer.LosslessProducerPostProcessor;
import dev.lossless.kafka.consumer.ConsumerOffsetsMonitor;
import dev.lossless.kafka.consumer.ConsumerOffsetsInspector;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.lossless.kafka.consumer.DeadLetteringBatchInterceptor;
import dev.lossless.kafka.consumer.DurableContainerCustomizer;
import dev.lossless.kafka.consumer.RebalanceListener;
import dev.lossless.kafka.consumer.RecoveryListener;
import dev.lossless.kafka.producer.DurableProducerCustomizer;
import dev.lossless.kafka.producer.SendResultListener;
import dev.lossless.kafka.rules.ReliabilityAudit;
import dev.lossless.kafka.rules.RuleResult;
import dev.lossless.kafka.rules.StartupEnforcer;
import dev.lossless.kafka.rules.UnsafeKafkaSettingsException;
import dev.lossless.kafka.rules.Verdict;
import dev.lossless.kafka.topics.DeadLetterTopicProvisioner;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.CommonLoggingErrorHandler;
import org.springframework.kafka.listener.CompositeBatchInterceptor;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.LoggingProducerListener;
import org.springframework.kafka.support.ProducerListener;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LosslessKafkaAutoConfiguration}.
 */
class LosslessKafkaAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LosslessKafkaAutoConfiguration.class, KafkaAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=127.0.0.1:1", "spring.kafka.listener.auto-startup=false",
				"lossless.kafka.topics.timeout=200ms", "lossless.kafka.dlt.auto-create=false",
				KafkaTestSupport.JOURNAL_DIRECTORY + "=" + KafkaTestSupport.newJournalDirectory());

	@Test
	void everyDefaultBeanIsCreatedOnce() {
		this.contextRunner.withPropertyValues("lossless.kafka.dlt.auto-create=true").run((context) -> {
			for (Class<?> type : List.of(DurableProducerCustomizer.class, LosslessProducerFactoryCustomizer.class,
					SendResultListener.class, SendJournalStore.class, SendJournalReplayer.class,
					TopicExistenceChecker.class, SequenceChecker.class, DurableConsumerCustomizer.class,
					DurableContainerCustomizer.class, DeadLetteredBatchRecords.class, RebalanceListener.class,
					RecoveryListener.class, DeadLetterTemplates.class, DeadLetterPublishingRecoverer.class,
					DeadLetteringErrorHandler.class, DeadLetteringAfterRollbackProcessor.class, DurabilityRules.class,
					AcceptedRisks.class, TopicInspector.class, ApplicationTopics.class, ReliabilityAudit.class,
					StartupEnforcer.class, DeadLetterTopicProvisioner.class, ConsumerOffsetsInspector.class,
					ConsumerOffsetsMonitor.class, LostOffsets.class, OffsetsRetentionAudit.class)) {
				assertThat(context).as(type.getSimpleName()).hasSingleBean(type);
			}
			assertThat(context).doesNotHaveBean(TransactionIdPrefixCustomizer.class);
		});
	}

	@Test
	void producerFactoryIsHardenedByDefault() {
		this.contextRunner.run((context) -> {
			Map<String, Object> configs = context.getBean(DefaultKafkaProducerFactory.class)
				.getConfigurationProperties();
			assertThat(configs).containsEntry(ProducerConfig.ACKS_CONFIG, "all")
				.containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
				.containsEntry(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE)
				.containsEntry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5)
				.containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
		});
	}

	@Test
	void deliveryTimeoutIsTunableAndKeepsKafkasTimeoutOrder() {
		this.contextRunner.withPropertyValues("lossless.kafka.producer.delivery-timeout=10s").run((context) -> {
			Map<String, Object> configs = context.getBean(DefaultKafkaProducerFactory.class)
				.getConfigurationProperties();
			assertThat(configs).containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000)
				.containsEntry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 9_995);
		});
	}

	@Test
	void consumerFactoryIsHardenedByDefault() {
		this.contextRunner.run((context) -> {
			Map<String, Object> configs = context.getBean(DefaultKafkaConsumerFactory.class)
				.getConfigurationProperties();
			assertThat(configs).containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
				.containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
				.containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
				.containsEntry(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false)
				.containsEntry(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class)
				.containsEntry(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class)
				.doesNotContainKeys(ErrorHandlingDeserializer.KEY_DESERIALIZER_CLASS,
						ErrorHandlingDeserializer.VALUE_DESERIALIZER_CLASS);
		});
	}

	@Test
	void deserializerThatCanFailIsWrappedInErrorHandlingDeserializer() {
		this.contextRunner.withPropertyValues(
				"spring.kafka.consumer.value-deserializer=org.apache.kafka.common.serialization.IntegerDeserializer")
			.run((context) -> {
				Map<String, Object> configs = context.getBean(DefaultKafkaConsumerFactory.class)
					.getConfigurationProperties();
				assertThat(configs)
					.containsEntry(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class)
					.containsEntry(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ErrorHandlingDeserializer.class)
					.containsEntry(ErrorHandlingDeserializer.VALUE_DESERIALIZER_CLASS, IntegerDeserializer.class)
					.doesNotContainKey(ErrorHandlingDeserializer.KEY_DESERIALIZER_CLASS);
			});
	}

	@Test
	void sendResultListenerReplacesSpringBootsLoggingProducerListener() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(ProducerListener.class);
			assertThat(context.getBean(ProducerListener.class)).isInstanceOf(SendResultListener.class);
		});
	}

	@Test
	void listenerContainersGetTheErrorHandlerRebalanceListenerAndDurableCommits() {
		this.contextRunner.run((context) -> {
			ConcurrentMessageListenerContainer<?, ?> container = createContainer(context);
			assertThat(container.getCommonErrorHandler()).isSameAs(context.getBean(DefaultErrorHandler.class));
			assertThat(container.getContainerProperties().getConsumerRebalanceListener()).isInstanceOfSatisfying(
					SequenceWindowResetter.class,
					(resetter) -> assertThat(resetter.getDelegate()).isInstanceOfSatisfying(LostOffsetsDetector.class,
							(detector) -> assertThat(detector.getDelegate())
								.isSameAs(context.getBean(RebalanceListener.class))));
			assertThat(container.getContainerProperties().isSyncCommits()).isTrue();
			assertThat(container.getContainerProperties().getShutdownTimeout()).isEqualTo(30_000);
			assertThat(context).hasSingleBean(DeadLetterPublishingRecoverer.class);
		});
	}

	@Test
	void startupChecksRunBeforeListenerContainersStart() {
		this.contextRunner.withPropertyValues("lossless.kafka.dlt.auto-create=true").run((context) -> {
			assertThat(context.getBean(DeadLetterTopicProvisioner.class))
				.as("dead-letter topics are created by the enforcer, once startup goes on")
				.isNotInstanceOf(SmartLifecycle.class);
			assertThat(context.getBean(StartupEnforcer.class).getPhase())
				.isLessThan(ConcurrentMessageListenerContainer.DEFAULT_PHASE)
				.as("before Spring Boot's WebServerStartStopLifecycle")
				.isLessThan(webServerPhase());
		});
	}

	/**
	 * Return the phase in which Spring Boot starts the servlet web server, read from its
	 * {@code WebServerStartStopLifecycle}.
	 */
	private static int webServerPhase() {
		Class<?> type = ClassUtils
			.resolveClassName("org.springframework.boot.web.server.servlet.context.WebServerStartStopLifecycle", null);
		return ((SmartLifecycle) new ObjenesisStd().newInstance(type)).getPhase();
	}

	@Test
	void userProducerListenerKeepsSendResultListener() {
		this.contextRunner.withUserConfiguration(UserProducerListenerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(SendResultListener.class);
			assertThat(context.getBean(ProducerListener.class)).isInstanceOf(SendResultListener.class);
		});
	}

	@Test
	void userErrorHandlerBacksOffTheStartersAndReachesTheContainers() {
		this.contextRunner.withUserConfiguration(UserErrorHandlerConfiguration.class).run((context) -> {
			assertThat(context).doesNotHaveBean("losslessErrorHandler");
			ConcurrentMessageListenerContainer<?, ?> container = createContainer(context);
			assertThat(container.getCommonErrorHandler()).isSameAs(context.getBean(CommonErrorHandler.class));
		});
	}

	@Test
	void userCollaboratorsAreComposedWithTheStartersOrBackThemOff() {
		this.contextRunner.withUserConfiguration(UserCollaboratorsConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(DurableContainerCustomizer.class)
				.hasSingleBean(RebalanceListener.class)
				.doesNotHaveBean(DeadLetterPublishingRecoverer.class)
				.hasSingleBean(DefaultErrorHandler.class)
				.hasSingleBean(RecoveryListener.class);
		});
	}

	@Test
	void disabledStarterLeavesSpringBootAlone() {
		this.contextRunner.withPropertyValues("lossless.kafka.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(DurableProducerCustomizer.class)
				.doesNotHaveBean(ReliabilityAudit.class)
				.doesNotHaveBean(CommonErrorHandler.class);
			assertThat(context.getBean(ProducerListener.class)).isInstanceOf(LoggingProducerListener.class);
			assertThat(context.getBean(DefaultKafkaConsumerFactory.class).getConfigurationProperties())
				.containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted")
				.doesNotContainKey(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG);
		});
	}

	@ParameterizedTest(name = "{0} is refused as {1}")
	@CsvSource(delimiter = '|',
			textBlock = """
					spring.kafka.producer.acks=1                                                | producer.acks,producer.idempotence
					spring.kafka.producer.acks=0                                                | producer.acks,producer.idempotence
					spring.kafka.producer.properties.enable.idempotence=false                   | producer.idempotence
					spring.kafka.producer.retries=0                                             | producer.retries,producer.idempotence
					spring.kafka.producer.properties.max.in.flight.requests.per.connection=6    | producer.max-in-flight,producer.idempotence
					spring.kafka.consumer.enable-auto-commit=true                               | consumer.auto-commit
					spring.kafka.consumer.auto-offset-reset=latest                              | consumer.auto-offset-reset
					spring.kafka.consumer.isolation-level=read_uncommitted                      | consumer.isolation-level
					""")
	void unsafeSettingIsRefusedAtStartup(String property, String ruleIds) {
		this.contextRunner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().isInstanceOf(UnsafeKafkaSettingsException.class);
			UnsafeKafkaSettingsException failure = (UnsafeKafkaSettingsException) context.getStartupFailure()
				.getCause();
			assertThat(failure.getViolations()).extracting(RuleResult::id)
				.containsExactlyInAnyOrder(ruleIds.split(","));
			assertThat(failure.getViolations()).anySatisfy(
					(violation) -> assertThat(violation.origin()).contains(property.substring(0, property.indexOf('=')))
						.contains("property source \"test\""));
		});
	}

	@ParameterizedTest(name = "{0} is accepted as {1}")
	@CsvSource(delimiter = '|',
			textBlock = """
					spring.kafka.producer.acks=1                                                | producer.acks,producer.idempotence
					spring.kafka.producer.properties.enable.idempotence=false                   | producer.idempotence
					spring.kafka.producer.retries=0                                             | producer.retries,producer.idempotence
					spring.kafka.consumer.enable-auto-commit=true                               | consumer.auto-commit
					spring.kafka.consumer.auto-offset-reset=latest                              | consumer.auto-offset-reset
					spring.kafka.consumer.isolation-level=read_uncommitted                      | consumer.isolation-level
					""")
	void unsafeSettingStartsWhenItsRiskIsAccepted(String property, String ruleIds) {
		this.contextRunner.withPropertyValues(property, "lossless.kafka.accepted-risks=" + ruleIds).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(ReliabilityAudit.class).audit().withStatus(Verdict.ACCEPTED))
				.extracting(RuleResult::id)
				.containsExactlyInAnyOrder(ruleIds.split(","));
		});
	}

	@Test
	void unsafeSettingStartsAndIsReportedWithWarnEnforcement() {
		this.contextRunner
			.withPropertyValues("spring.kafka.consumer.auto-offset-reset=latest", "lossless.kafka.enforcement=warn")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(ReliabilityAudit.class).audit().violations()).extracting(RuleResult::id)
					.containsExactly("consumer.auto-offset-reset");
			});
	}

	@Test
	void acceptedRiskNarrowedToAnotherSubjectDoesNotApply() {
		this.contextRunner
			.withPropertyValues("spring.kafka.consumer.auto-offset-reset=latest",
					"lossless.kafka.accepted-risks=consumer.auto-offset-reset:someOtherFactory")
			.run((context) -> assertThat(context).hasFailed());
	}

	@Test
	void acceptedRiskNarrowedToItsSubjectApplies() {
		this.contextRunner
			.withPropertyValues("spring.kafka.consumer.auto-offset-reset=latest",
					"lossless.kafka.accepted-risks=consumer.auto-offset-reset:kafkaConsumerFactory")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void acceptedRiskThatNamesNoRuleIsRefused() {
		this.contextRunner.withPropertyValues("lossless.kafka.accepted-risks=producer.ack").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("[producer.ack]")
				.hasMessageContaining("producer.acks");
		});
	}

	@Test
	void deserializerInstanceThatIsNotErrorHandlingIsRefused() {
		this.contextRunner.withUserConfiguration(DeserializerInstanceConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(UnsafeKafkaSettingsException.class)
				.hasMessageContaining("consumer.deserializer");
		});
	}

	@Test
	void deserializerInstanceThatCannotFailIsAccepted() {
		this.contextRunner.withUserConfiguration(ByteArrayDeserializerInstanceConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void twoErrorHandlersMakeSpringBootDropBothAndAreRefused() {
		this.contextRunner.withUserConfiguration(TwoErrorHandlersConfiguration.class, ListenerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(UnsafeKafkaSettingsException.class)
					.hasMessageContaining("listener.error-handler on orders");
			});
	}

	@Test
	void errorHandlerOfTheApplicationIsRefusedUnlessItsRiskIsAccepted() {
		this.contextRunner.withUserConfiguration(UserErrorHandlerConfiguration.class, ListenerConfiguration.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("listener.error-handler on orders (DefaultErrorHandler"));
		this.contextRunner.withUserConfiguration(UserErrorHandlerConfiguration.class, ListenerConfiguration.class)
			.withPropertyValues("lossless.kafka.accepted-risks=listener.error-handler:orders")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void recovererThatDoesNotDeadLetterIsRefused() {
		this.contextRunner.withUserConfiguration(UserCollaboratorsConfiguration.class, ListenerConfiguration.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("DeadLetteringErrorHandler without a dead-letter recoverer"));
	}

	@Test
	void asynchronousCommitsAreRefused() {
		this.contextRunner.withUserConfiguration(AsyncCommitsConfiguration.class, ListenerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(UnsafeKafkaSettingsException.class)
					.hasMessageContaining("listener.sync-commits on orders");
			});
	}

	@Test
	void unreachableBrokersLeaveTopicRulesUnknownWithoutFailingStartup() {
		this.contextRunner.withUserConfiguration(ListenerConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(ReliabilityAudit.class).auditTopics().results()).isNotEmpty()
				.allSatisfy((result) -> assertThat(result.status()).isEqualTo(Verdict.UNKNOWN));
		});
	}

	@Test
	void sequencesAreStampedAndCheckedByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(SequenceChecker.class);
			assertThat(context.getBean(DefaultKafkaProducerFactory.class).getPostProcessors())
				.hasExactlyElementsOfTypes(LosslessProducerPostProcessor.class);
			ConcurrentMessageListenerContainer<?, ?> container = createContainer(context);
			// the sequence check and the loss detector see every record, then
			// undeserializable
			// ones are dead-lettered before a batch listener
			assertThat(ReflectionTestUtils.getField(container.getRecordInterceptor(), "delegates"))
				.asInstanceOf(InstanceOfAssertFactories.COLLECTION)
				.hasExactlyElementsOfTypes(SequenceCheckingInterceptor.class, LostOffsetsDetector.class);
			assertThat(ReflectionTestUtils.getField(container.getBatchInterceptor(), "delegates"))
				.asInstanceOf(InstanceOfAssertFactories.COLLECTION)
				.hasExactlyElementsOfTypes(SequenceCheckingInterceptor.class, LostOffsetsDetector.class,
						DeadLetteringBatchInterceptor.class);
		});
	}

	@Test
	void sequencesCanBeTurnedOff() {
		this.contextRunner.withPropertyValues("lossless.kafka.sequence.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(SequenceChecker.class);
			ConcurrentMessageListenerContainer<?, ?> container = createContainer(context);
			assertThat(container.getRecordInterceptor()).isInstanceOf(LostOffsetsDetector.class);
			assertThat(ReflectionTestUtils.getField(container.getBatchInterceptor(), "delegates"))
				.asInstanceOf(InstanceOfAssertFactories.COLLECTION)
				.hasExactlyElementsOfTypes(LostOffsetsDetector.class, DeadLetteringBatchInterceptor.class);
			assertThat(container.getContainerProperties().getConsumerRebalanceListener())
				.isInstanceOfSatisfying(LostOffsetsDetector.class, (detector) -> assertThat(detector.getDelegate())
					.isSameAs(context.getBean(RebalanceListener.class)));
		});
	}

	@Test
	void failedSendsAreJournaledAndReplayedByDefault() {
		this.contextRunner.withPropertyValues("lossless.kafka.sequence.enabled=false").run((context) -> {
			assertThat(context).hasSingleBean(SendJournalStore.class).hasSingleBean(SendJournalReplayer.class);
			assertThat(context.getBean(DefaultKafkaProducerFactory.class).getPostProcessors())
				.hasExactlyElementsOfTypes(LosslessProducerPostProcessor.class);
			assertThat(context.getBean(SendJournalReplayer.class).getPhase())
				.isGreaterThan(context.getBean(StartupEnforcer.class).getPhase())
				.isLessThan(webServerPhase());
		});
	}

	@Test
	void producersAreLeftUnwrappedWithoutSequencesAndJournal() {
		this.contextRunner
			.withPropertyValues("lossless.kafka.sequence.enabled=false",
					"lossless.kafka.producer.journal.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(SendJournalStore.class).doesNotHaveBean(SendJournalReplayer.class);
				assertThat(context.getBean(DefaultKafkaProducerFactory.class).getPostProcessors()).isEmpty();
			});
	}

	@Test
	void secondInstanceOnTheSameJournalDirectoryTakesTheNextSlot() {
		this.contextRunner.run((first) -> this.contextRunner.run((second) -> {
			Path firstDirectory = first.getBean(SendJournalStore.class).journal().directory();
			Path secondDirectory = second.getBean(SendJournalStore.class).journal().directory();
			assertThat(firstDirectory.getFileName()).hasToString("slot-0");
			assertThat(secondDirectory.getFileName()).hasToString("slot-1");
		}));
	}

	@Test
	void applicationRecordInterceptorRunsAfterTheSequenceCheck() {
		this.contextRunner.withUserConfiguration(UserRecordInterceptorConfiguration.class).run((context) -> {
			ConcurrentMessageListenerContainer<?, ?> container = createContainer(context);
			assertThat(container.getRecordInterceptor()).isInstanceOf(CompositeRecordInterceptor.class);
		});
	}

	@Test
	void consumerLagIsWatchedByDefaultAndCanBeTurnedOff() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(ConsumerOffsetsMonitor.class)
			.hasSingleBean(ConsumerOffsetsInspector.class));
		this.contextRunner.withPropertyValues("lossless.kafka.consumer.lag.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ConsumerOffsetsMonitor.class)
				.doesNotHaveBean(ConsumerOffsetsInspector.class));
	}

	private static ConcurrentMessageListenerContainer<?, ?> createContainer(ApplicationContext context) {
		ConcurrentKafkaListenerContainerFactory<?, ?> factory = context
			.getBean(ConcurrentKafkaListenerContainerFactory.class);
		return factory.createContainer("orders");
	}

	@Configuration(proxyBeanMethods = false)
	static class UserRecordInterceptorConfiguration {

		@Bean
		RecordInterceptor<Object, Object> userRecordInterceptor() {
			return (record, consumer) -> record;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserProducerListenerConfiguration {

		@Bean
		ProducerListener<Object, Object> userProducerListener() {
			return new ProducerListener<>() {
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserErrorHandlerConfiguration {

		@Bean
		CommonErrorHandler userErrorHandler() {
			return new DefaultErrorHandler((record, ex) -> {
			});
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserCollaboratorsConfiguration {

		@Bean
		ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> userCustomizer() {
			return (container) -> {
			};
		}

		@Bean
		ConsumerAwareRebalanceListener userRebalanceListener() {
			return new ConsumerAwareRebalanceListener() {
			};
		}

		@Bean
		ConsumerRecordRecoverer userRecoverer() {
			return (record, ex) -> {
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DeserializerInstanceConfiguration {

		@Bean
		DefaultKafkaConsumerFactoryCustomizer deserializerInstance() {
			return (factory) -> ((DefaultKafkaConsumerFactory<Object, Object>) factory)
				.setValueDeserializer((topic, data) -> data);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ByteArrayDeserializerInstanceConfiguration {

		@Bean
		DefaultKafkaConsumerFactoryCustomizer deserializerInstance() {
			return (factory) -> ((DefaultKafkaConsumerFactory<Object, byte[]>) factory)
				.setValueDeserializer(new ByteArrayDeserializer());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoErrorHandlersConfiguration {

		@Bean
		CommonErrorHandler firstErrorHandler() {
			return new CommonLoggingErrorHandler();
		}

		@Bean
		CommonErrorHandler secondErrorHandler() {
			return new CommonLoggingErrorHandler();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AsyncCommitsConfiguration {

		@Bean
		ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> asyncCommits() {
			return (container) -> container.getContainerProperties().setSyncCommits(false);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ListenerConfiguration {

		@KafkaListener(id = "orders", topics = "orders")
		void listen(String order) {
		}

	}

}
