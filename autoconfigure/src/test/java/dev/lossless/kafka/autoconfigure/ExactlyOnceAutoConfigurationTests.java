package dev.lossless.kafka.autoconfigure;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.consumer.DeadLetteringAfterRollbackProcessor;
import dev.lossless.kafka.consumer.DeadLetteringErrorHandler;
import dev.lossless.kafka.producer.TransactionIdPrefixCustomizer;
import dev.lossless.kafka.rules.ReliabilityAudit;
import dev.lossless.kafka.rules.RuleResult;
import dev.lossless.kafka.rules.UnsafeKafkaSettingsException;
import dev.lossless.kafka.rules.Verdict;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.AfterRollbackProcessor;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.kafka.transaction.KafkaAwareTransactionManager;
import org.springframework.kafka.transaction.KafkaTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the exactly-once wiring of {@link LosslessKafkaAutoConfiguration}.
 */
class ExactlyOnceAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LosslessKafkaAutoConfiguration.class, KafkaAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=127.0.0.1:1", "spring.kafka.listener.auto-startup=false",
				"lossless.kafka.topics.timeout=200ms", "lossless.kafka.dlt.auto-create=false",
				KafkaTestSupport.JOURNAL_DIRECTORY + "=" + KafkaTestSupport.newJournalDirectory());

	@Test
	void exactlyOnceIsOffByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).doesNotHaveBean(KafkaAwareTransactionManager.class)
				.doesNotHaveBean(TransactionIdPrefixCustomizer.class);
			assertThat(context.getBean(DefaultKafkaProducerFactory.class).transactionCapable()).isFalse();
			ConcurrentMessageListenerContainer<?, ?> container = createContainer(context);
			assertThat(container.getContainerProperties().getKafkaAwareTransactionManager()).isNull();
			assertThat(container.getCommonErrorHandler()).isSameAs(context.getBean(DeadLetteringErrorHandler.class));
			assertThat(container.getContainerProperties().isStopContainerWhenFenced()).isTrue();
		});
	}

	@Test
	void exactlyOnceGivesContainersTheTransactionManagerOfATransactionalProducerFactory() {
		this.contextRunner.withPropertyValues("lossless.kafka.exactly-once.enabled=true").run((context) -> {
			DefaultKafkaProducerFactory<?, ?> producerFactory = context.getBean(DefaultKafkaProducerFactory.class);
			assertThat(producerFactory.transactionCapable()).isTrue();
			assertThat(producerFactory.getTransactionIdPrefix()).matches("lossless-kafka-[0-9a-f]{8}-[0-9a-f]{4}-");
			assertThat(context).hasSingleBean(KafkaAwareTransactionManager.class);
			KafkaTransactionManager<?, ?> transactionManager = context.getBean(KafkaTransactionManager.class);
			assertThat(transactionManager.getProducerFactory()).isSameAs(producerFactory);
			ConcurrentMessageListenerContainer<?, ?> container = createContainer(context);
			assertThat(container.getContainerProperties().getKafkaAwareTransactionManager())
				.isSameAs(transactionManager);
			assertThat(container.getContainerProperties().isStopContainerWhenFenced()).isTrue();
			assertThat(container.getAfterRollbackProcessor())
				.isSameAs(context.getBean(DeadLetteringAfterRollbackProcessor.class));
			assertThat(container.getCommonErrorHandler()).as("failures go to the after-rollback processor alone")
				.isNull();
			assertThat(context.getBean(DefaultKafkaConsumerFactory.class).getConfigurationProperties())
				.containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		});
	}

	@Test
	void eachStartGetsATransactionIdPrefixOfItsOwnNamedAfterTheApplication() {
		String[] prefixes = new String[2];
		for (int i = 0; i < prefixes.length; i++) {
			int start = i;
			this.contextRunner
				.withPropertyValues("lossless.kafka.exactly-once.enabled=true", "spring.application.name=orders")
				.run((context) -> prefixes[start] = context.getBean(DefaultKafkaProducerFactory.class)
					.getTransactionIdPrefix());
		}
		assertThat(prefixes[0]).startsWith("orders-").isNotEqualTo(prefixes[1]);
		assertThat(prefixes[1]).startsWith("orders-");
	}

	@Test
	void transactionIdPrefixCanBeSet() {
		this.contextRunner
			.withPropertyValues("lossless.kafka.exactly-once.enabled=true",
					"lossless.kafka.exactly-once.transaction-id-prefix=orders-1-")
			.run((context) -> assertThat(context.getBean(DefaultKafkaProducerFactory.class).getTransactionIdPrefix())
				.isEqualTo("orders-1-"));
	}

	@Test
	void springKafkaTransactionIdPrefixWinsAndYieldsOneTransactionManager() {
		this.contextRunner
			.withPropertyValues("lossless.kafka.exactly-once.enabled=true",
					"lossless.kafka.exactly-once.transaction-id-prefix=ignored-",
					"spring.kafka.producer.transaction-id-prefix=boot-")
			.run((context) -> {
				assertThat(context.getBean(DefaultKafkaProducerFactory.class).getTransactionIdPrefix())
					.isEqualTo("boot-");
				assertThat(context).hasSingleBean(KafkaAwareTransactionManager.class);
				assertThat(createContainer(context).getContainerProperties().getKafkaAwareTransactionManager())
					.isSameAs(context.getBean(KafkaAwareTransactionManager.class));
			});
	}

	@Test
	void userTransactionManagerBacksOffTheStartersAndReachesTheContainers() {
		this.contextRunner.withPropertyValues("lossless.kafka.exactly-once.enabled=true")
			.withUserConfiguration(UserTransactionManagerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(KafkaAwareTransactionManager.class);
				assertThat(createContainer(context).getContainerProperties().getKafkaAwareTransactionManager())
					.isSameAs(context.getBean("userTransactionManager"));
			});
	}

	@Test
	void springKafkaTransactionsWithoutExactlyOnceRecoverFailedRecordsToTheDeadLetterTopic() {
		this.contextRunner.withPropertyValues("spring.kafka.producer.transaction-id-prefix=boot-")
			.withUserConfiguration(ListenerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ConcurrentMessageListenerContainer<?, ?> container = createContainer(context);
				assertThat(container.getAfterRollbackProcessor()).isInstanceOfSatisfying(
						DeadLetteringAfterRollbackProcessor.class,
						(processor) -> assertThat(processor.isDeadLettering()).isTrue());
				assertThat(container.getCommonErrorHandler()).isNull();
				assertThat(context.getBean(ReliabilityAudit.class).audit().results())
					.filteredOn((result) -> result.id().startsWith("listener."))
					.extracting(RuleResult::status)
					.containsOnly(Verdict.PASS);
			});
	}

	@Test
	void containerWithoutTheTransactionManagerIsRefusedWithExactlyOnce() {
		// two transaction managers: Spring Boot gives the container factory neither
		this.contextRunner.withPropertyValues("lossless.kafka.exactly-once.enabled=true")
			.withUserConfiguration(TwoTransactionManagersConfiguration.class, ListenerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(UnsafeKafkaSettingsException.class)
					.hasMessageContaining("listener.exactly-once on orders (no transaction manager)");
			});
	}

	@Test
	void transactionalContainerThatKeepsRunningWhenFencedIsRefused() {
		this.contextRunner.withPropertyValues("lossless.kafka.exactly-once.enabled=true")
			.withUserConfiguration(RunWhenFencedConfiguration.class, ListenerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("listener.exactly-once on orders")
					.hasMessageContaining("stopContainerWhenFenced=false");
			});
	}

	@Test
	void afterRollbackProcessorThatSkipsFailedRecordsIsRefused() {
		this.contextRunner.withPropertyValues("lossless.kafka.exactly-once.enabled=true")
			.withUserConfiguration(SkippingAfterRollbackProcessorConfiguration.class, ListenerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("listener.error-handler on orders (DefaultAfterRollbackProcessor");
			});
	}

	@Test
	void readUncommittedConsumersAreRefusedWithExactlyOnce() {
		this.contextRunner
			.withPropertyValues("lossless.kafka.exactly-once.enabled=true",
					"spring.kafka.consumer.isolation-level=read_uncommitted")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(((UnsafeKafkaSettingsException) context.getStartupFailure().getCause()).getViolations())
					.extracting(RuleResult::id)
					.containsExactly("consumer.isolation-level");
			});
	}

	private static ConcurrentMessageListenerContainer<?, ?> createContainer(ApplicationContext context) {
		ConcurrentKafkaListenerContainerFactory<?, ?> factory = context
			.getBean(ConcurrentKafkaListenerContainerFactory.class);
		return factory.createContainer("orders");
	}

	@Configuration(proxyBeanMethods = false)
	static class UserTransactionManagerConfiguration {

		@Bean
		KafkaTransactionManager<?, ?> userTransactionManager(ProducerFactory<?, ?> producerFactory) {
			return new KafkaTransactionManager<>(producerFactory);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoTransactionManagersConfiguration {

		@Bean
		KafkaTransactionManager<?, ?> firstTransactionManager(ProducerFactory<?, ?> producerFactory) {
			return new KafkaTransactionManager<>(producerFactory);
		}

		@Bean
		KafkaTransactionManager<?, ?> secondTransactionManager(ProducerFactory<?, ?> producerFactory) {
			return new KafkaTransactionManager<>(producerFactory);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RunWhenFencedConfiguration {

		@Bean
		ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> runWhenFenced() {
			return (container) -> container.getContainerProperties().setStopContainerWhenFenced(false);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SkippingAfterRollbackProcessorConfiguration {

		@Bean
		AfterRollbackProcessor<Object, Object> skippingAfterRollbackProcessor() {
			return new DefaultAfterRollbackProcessor<>();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ListenerConfiguration {

		@KafkaListener(id = "orders", topics = "orders")
		void listen(String order) {
		}

	}

}
