package dev.lossless.kafka.autoconfigure;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.consumer.LostOffsetsDetector;
import dev.lossless.kafka.consumer.RebalanceListener;
import dev.lossless.kafka.producer.SendResultListener;
import dev.lossless.kafka.rules.ReliabilityAudit;
import dev.lossless.kafka.rules.Verdict;
import dev.lossless.kafka.sequence.SequenceWindowResetter;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CompositeRecordInterceptor;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ProducerListener;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.util.backoff.FixedBackOff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Tests that an application's own {@link ProducerListener}, {@link ContainerCustomizer}
 * and rebalance listeners are composed with the starter's, which Spring Boot would
 * otherwise replace (or, with two beans, drop) without a word.
 */
@ExtendWith(OutputCaptureExtension.class)
class ComposedCollaboratorsTests {

	private static final TopicPartition PARTITION = new TopicPartition("orders", 0);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LosslessKafkaAutoConfiguration.class, KafkaAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=127.0.0.1:1", "spring.kafka.listener.auto-startup=false",
				"lossless.kafka.topics.timeout=200ms", "lossless.kafka.dlt.auto-create=false",
				"lossless.kafka.consumer.lag.enabled=false",
				KafkaTestSupport.JOURNAL_DIRECTORY + "=" + KafkaTestSupport.newJournalDirectory());

	@Test
	void applicationProducerListenerIsComposedWithTheSendObservation(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(ProducerListenerConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			SendResultListener sendResults = context.getBean(SendResultListener.class);
			Object templateListener = ReflectionTestUtils.getField(context.getBean(KafkaTemplate.class),
					"producerListener");
			assertThat(templateListener).isSameAs(sendResults);
			ProducerRecord<Object, Object> record = new ProducerRecord<>("orders", "key", "value");
			sendResults.onSuccess(record, new RecordMetadata(PARTITION, 0, 0, 0, 0, 0));
			sendResults.onError(record, null, new IllegalStateException("boom"));
			assertThat(sendResults.statistics().successes()).isOne();
			assertThat(sendResults.statistics().failures()).isOne();
			assertThat(context.getBean(ProducerListenerConfiguration.class).events).containsExactly("success", "error");
		});
		assertThat(output).contains("ProducerListener [applicationProducerListener] is composed with the starter's");
	}

	@Test
	void applicationContainerCustomizerRunsBetweenTheStartersSettingsAndItsSequenceCheck() {
		this.contextRunner.withUserConfiguration(ContainerCustomizerConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			ConcurrentMessageListenerContainer<?, ?> container = createContainer(context);
			assertThat(container.getContainerProperties().getClientId()).isEqualTo("customized-by-the-application");
			assertThat(container.getContainerProperties().isSyncCommits()).isTrue();
			assertThat(container.getContainerProperties().getShutdownTimeout()).isEqualTo(30_000);
			assertThat(container.getRecordInterceptor()).isInstanceOf(CompositeRecordInterceptor.class);
			assertThat(container.getContainerProperties().getConsumerRebalanceListener())
				.isInstanceOf(SequenceWindowResetter.class);
		});
	}

	@Test
	void twoApplicationContainerCustomizersBothRunInsteadOfFailingStartup() {
		this.contextRunner
			.withUserConfiguration(ContainerCustomizerConfiguration.class, SecondContainerCustomizerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ConcurrentMessageListenerContainer<?, ?> container = createContainer(context);
				assertThat(container.getContainerProperties().getClientId()).isEqualTo("customized-by-the-application");
				assertThat(container.getContainerProperties().getGroupId()).isEqualTo("second-customizer");
			});
	}

	@Test
	void applicationRebalanceListenersAreChainedAfterTheStarters() {
		this.contextRunner.withUserConfiguration(RebalanceListenersConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			ConcurrentMessageListenerContainer<?, ?> container = createContainer(context);
			SequenceWindowResetter resetter = (SequenceWindowResetter) container.getContainerProperties()
				.getConsumerRebalanceListener();
			RebalanceListener rebalances = context.getBean(RebalanceListener.class);
			// the sequence window reset, then the loss detector, then the starter's
			// listener
			assertThat(resetter.getDelegate()).isInstanceOfSatisfying(LostOffsetsDetector.class,
					(detector) -> assertThat(detector.getDelegate()).isSameAs(rebalances));
			Consumer<?, ?> consumer = mock(Consumer.class);
			resetter.onPartitionsAssigned(consumer, List.of(PARTITION));
			resetter.onPartitionsRevokedBeforeCommit(consumer, List.of(PARTITION));
			resetter.onPartitionsRevokedAfterCommit(consumer, List.of(PARTITION));
			resetter.onPartitionsLost(consumer, List.of(PARTITION));
			assertThat(rebalances.revocations()).isOne();
			assertThat(rebalances.losses()).isOne();
			RebalanceListenersConfiguration application = context.getBean(RebalanceListenersConfiguration.class);
			assertThat(List.of(application.first, application.second)).allSatisfy((events) -> assertThat(events)
				.containsExactly("assigned", "revoked-before-commit", "revoked-after-commit", "lost"));
		});
	}

	@Test
	void applicationErrorHandlerThatDeadLettersReplacesTheStartersAndPasses(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(DeadLetteringErrorHandlerConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(ReliabilityAudit.class).audit().results())
				.filteredOn((result) -> result.id().equals("listener.error-handler"))
				.singleElement()
				.satisfies((result) -> {
					assertThat(result.status()).isEqualTo(Verdict.PASS);
					assertThat(result.actual()).isEqualTo("DefaultErrorHandler with a DeadLetterPublishingRecoverer");
				});
		});
		assertThat(output).contains("CommonErrorHandler [applicationErrorHandler] replaces the starter's "
				+ "losslessErrorHandler; listener.error-handler audits");
	}

	private static ConcurrentMessageListenerContainer<?, ?> createContainer(ApplicationContext context) {
		ConcurrentKafkaListenerContainerFactory<?, ?> factory = context
			.getBean(ConcurrentKafkaListenerContainerFactory.class);
		return factory.createContainer("orders");
	}

	@Configuration(proxyBeanMethods = false)
	static class ProducerListenerConfiguration {

		final List<String> events = new ArrayList<>();

		@Bean
		ProducerListener<Object, Object> applicationProducerListener() {
			return new ProducerListener<>() {

				@Override
				public void onSuccess(ProducerRecord<Object, Object> record, RecordMetadata metadata) {
					ProducerListenerConfiguration.this.events.add("success");
				}

				@Override
				public void onError(ProducerRecord<Object, Object> record, RecordMetadata metadata,
						Exception exception) {
					ProducerListenerConfiguration.this.events.add("error");
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ContainerCustomizerConfiguration {

		@Bean
		ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> applicationCustomizer() {
			return (container) -> {
				container.getContainerProperties().setClientId("customized-by-the-application");
				container.setRecordInterceptor((record, consumer) -> record);
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SecondContainerCustomizerConfiguration {

		@Bean
		ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> secondCustomizer() {
			return (container) -> container.getContainerProperties().setGroupId("second-customizer");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RebalanceListenersConfiguration {

		final List<String> first = new ArrayList<>();

		final List<String> second = new ArrayList<>();

		@Bean
		ConsumerAwareRebalanceListener applicationRebalanceListener() {
			return new RecordingRebalanceListener(this.first);
		}

		@Bean
		ConsumerAwareRebalanceListener secondRebalanceListener() {
			return new RecordingRebalanceListener(this.second);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DeadLetteringErrorHandlerConfiguration {

		@Bean
		DefaultErrorHandler applicationErrorHandler(KafkaTemplate<Object, Object> template) {
			return new DefaultErrorHandler(new DeadLetterPublishingRecoverer(template), new FixedBackOff(0, 2));
		}

		@KafkaListener(id = "orders", topics = "orders")
		void listen(String order) {
		}

	}

	record RecordingRebalanceListener(List<String> events) implements ConsumerAwareRebalanceListener {

		@Override
		public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
			this.events.add("assigned");
		}

		@Override
		public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
			this.events.add("revoked-before-commit");
		}

		@Override
		public void onPartitionsRevokedAfterCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
			this.events.add("revoked-after-commit");
		}

		@Override
		public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
			this.events.add("lost");
		}

	}

}
