package dev.lossless.kafka.share;

import java.util.Map;
import java.util.function.Consumer;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.autoconfigure.LosslessKafkaAutoConfiguration;
import dev.lossless.kafka.autoconfigure.LosslessKafkaShareAutoConfiguration;
import dev.lossless.kafka.consumer.DeadLetteringShareRecoverer;
import dev.lossless.kafka.consumer.ShareAcknowledgements;
import dev.lossless.kafka.rules.ReliabilityAudit;
import dev.lossless.kafka.rules.RuleResult;
import dev.lossless.kafka.rules.UnsafeKafkaSettingsException;
import dev.lossless.kafka.rules.Verdict;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.DirectFieldAccessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ShareKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultShareConsumerFactory;
import org.springframework.kafka.core.ShareConsumerFactory;
import org.springframework.kafka.listener.ContainerProperties.ShareAckMode;
import org.springframework.kafka.listener.ShareConsumerRecordRecoverer;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Share consumers (KIP-932) wired: every share container factory gets the dead-lettering
 * recoverer and the acknowledgement counter; the implicit acknowledgement mode and a
 * share consumer factory whose deserializers can fail, without
 * {@link ErrorHandlingDeserializer}, are refused at startup; a share group whose configs
 * cannot be read is UNKNOWN, and the classic listener rules do not judge share
 * containers.
 */
class ShareConsumerAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LosslessKafkaAutoConfiguration.class, KafkaAutoConfiguration.class,
				LosslessKafkaShareAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=127.0.0.1:1", "spring.kafka.listener.auto-startup=false",
				"lossless.kafka.topics.timeout=200ms", "lossless.kafka.dlt.auto-create=false",
				KafkaTestSupport.JOURNAL_DIRECTORY + "=" + KafkaTestSupport.newJournalDirectory());

	@Test
	void shareContainerFactoryGetsTheDeadLetteringRecovererAndTheAcknowledgementCounter() {
		this.contextRunner.withUserConfiguration(SafeShareConfiguration.class, ShareListenerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ShareKafkaListenerContainerFactory<?, ?> factory = context
					.getBean(ShareKafkaListenerContainerFactory.class);
				assertThat(new DirectFieldAccessor(factory).getPropertyValue("recordRecoverer"))
					.isSameAs(context.getBean(DeadLetteringShareRecoverer.class));
				assertThat(factory.getContainerProperties().getAcknowledgementCommitCallback())
					.isSameAs(context.getBean(ShareAcknowledgements.class));
				assertThat(context.getBean(DeadLetteringShareRecoverer.class).getDeliveryCountLimit()).isEqualTo(5);
				assertThat(context.getBean(ReliabilityAudit.class).audit().results())
					.filteredOn((result) -> "shares".equals(result.subject())
							|| "shareConsumerFactory".equals(result.subject())
							|| "share-orders-group".equals(result.subject()))
					.extracting(RuleResult::id, RuleResult::status)
					.containsExactlyInAnyOrder(tuple("share.ack-mode", Verdict.PASS),
							tuple("share.deserializer", Verdict.PASS),
							tuple("share.auto-offset-reset", Verdict.UNKNOWN),
							tuple("share.isolation-level", Verdict.UNKNOWN));
			});
	}

	@Test
	void recovererTheApplicationSetIsKept() {
		this.contextRunner.withUserConfiguration(RejectingShareConfiguration.class).run((context) -> {
			ShareKafkaListenerContainerFactory<?, ?> factory = context
				.getBean(ShareKafkaListenerContainerFactory.class);
			assertThat(new DirectFieldAccessor(factory).getPropertyValue("recordRecoverer"))
				.isSameAs(ShareConsumerRecordRecoverer.REJECTING);
		});
	}

	@Test
	void implicitAcknowledgementIsRefused() {
		this.contextRunner.withUserConfiguration(ImplicitShareConfiguration.class, ShareListenerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(((UnsafeKafkaSettingsException) context.getStartupFailure().getCause()).getViolations())
					.extracting(RuleResult::id, RuleResult::actual)
					.containsExactly(tuple("share.ack-mode", "IMPLICIT"));
			});
	}

	@Test
	void shareConsumerFactoryWithoutErrorHandlingDeserializerIsRefused() {
		this.contextRunner.withUserConfiguration(PlainDeserializerShareConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(((UnsafeKafkaSettingsException) context.getStartupFailure().getCause()).getViolations())
				.extracting(RuleResult::id, RuleResult::subject)
				.containsExactly(tuple("share.deserializer", "shareConsumerFactory"));
		});
	}

	@Test
	void shareConsumerFactoryWithDeserializersThatCannotFailIsAccepted() {
		this.contextRunner.withUserConfiguration(StringDeserializerShareConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	static Map<String, Object> shareConsumerConfigs() {
		return Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1",
				ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ErrorHandlingDeserializer.class,
				ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ErrorHandlingDeserializer.class,
				ErrorHandlingDeserializer.KEY_DESERIALIZER_CLASS, StringDeserializer.class,
				ErrorHandlingDeserializer.VALUE_DESERIALIZER_CLASS, StringDeserializer.class);
	}

	static ShareKafkaListenerContainerFactory<String, String> containerFactory(
			Consumer<ShareKafkaListenerContainerFactory<String, String>> customizer) {
		ShareKafkaListenerContainerFactory<String, String> containerFactory = new ShareKafkaListenerContainerFactory<>(
				new DefaultShareConsumerFactory<>(shareConsumerConfigs()));
		containerFactory.setAutoStartup(false);
		customizer.accept(containerFactory);
		return containerFactory;
	}

	@Configuration(proxyBeanMethods = false)
	static class ShareConsumerFactoryConfiguration {

		@Bean
		ShareConsumerFactory<String, String> shareConsumerFactory() {
			return new DefaultShareConsumerFactory<>(shareConsumerConfigs());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(ShareConsumerFactoryConfiguration.class)
	static class SafeShareConfiguration {

		@Bean
		ShareKafkaListenerContainerFactory<String, String> shares() {
			return containerFactory((factory) -> {
			});
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(ShareConsumerFactoryConfiguration.class)
	static class RejectingShareConfiguration {

		@Bean
		ShareKafkaListenerContainerFactory<String, String> shares() {
			return containerFactory(
					(factory) -> factory.setShareConsumerRecordRecoverer(ShareConsumerRecordRecoverer.REJECTING));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(ShareConsumerFactoryConfiguration.class)
	static class ImplicitShareConfiguration {

		@Bean
		ShareKafkaListenerContainerFactory<String, String> shares() {
			return containerFactory(
					(factory) -> factory.getContainerProperties().setShareAckMode(ShareAckMode.IMPLICIT));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PlainDeserializerShareConfiguration {

		@Bean
		ShareConsumerFactory<Integer, Integer> shareConsumerFactory() {
			return new DefaultShareConsumerFactory<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1"),
					new IntegerDeserializer(), new IntegerDeserializer(), false);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class StringDeserializerShareConfiguration {

		@Bean
		ShareConsumerFactory<String, String> shareConsumerFactory() {
			return new DefaultShareConsumerFactory<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1"),
					new StringDeserializer(), new StringDeserializer(), false);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ShareListenerConfiguration {

		@KafkaListener(id = "shares", topics = "share-orders", groupId = "share-orders-group",
				containerFactory = "shares")
		void listen(String order) {
		}

	}

}
