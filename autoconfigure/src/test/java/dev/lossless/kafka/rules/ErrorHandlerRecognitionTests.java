package dev.lossless.kafka.rules;

import java.lang.reflect.Method;

import dev.lossless.kafka.rules.FailedRecordRecoverers.Kind;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.CommonLoggingErrorHandler;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.FailedRecordProcessor;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.transaction.KafkaAwareTransactionManager;
import org.springframework.util.backoff.FixedBackOff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Tests that {@code listener.error-handler} recognizes an application's own error handler
 * that dead-letters, refuses one that only logs, and says plainly when it cannot tell.
 */
class ErrorHandlerRecognitionTests {

	private final Rule<org.springframework.kafka.listener.MessageListenerContainer> rule = new DurabilityRules(3)
		.listenerRules()
		.stream()
		.filter((candidate) -> candidate.getId().equals("listener.error-handler"))
		.findFirst()
		.orElseThrow();

	@Test
	void defaultErrorHandlerWithADeadLetterPublishingRecovererPasses() {
		Reading reading = read(new DefaultErrorHandler(deadLetterRecoverer(), new FixedBackOff(0, 2)));
		assertThat(reading.safe()).isTrue();
		assertThat(reading.actual()).isEqualTo("DefaultErrorHandler with a DeadLetterPublishingRecoverer");
	}

	@Test
	void deadLetterPublishingRecovererThatDoesNotWaitForThePublishIsRefused() {
		DeadLetterPublishingRecoverer recoverer = deadLetterRecoverer();
		recoverer.setFailIfSendResultIsError(false);
		String skips = "DeadLetterPublishingRecoverer that does not fail when the publish fails "
				+ "(failIfSendResultIsError=false): the record is committed without its dead letter";
		assertThat(read(new DefaultErrorHandler(recoverer))).satisfies((reading) -> {
			assertThat(reading.safe()).isFalse();
			assertThat(reading.actual()).isEqualTo("DefaultErrorHandler with a " + skips);
		});
		ContainerProperties properties = new ContainerProperties("orders");
		properties.setKafkaAwareTransactionManager(mock(KafkaAwareTransactionManager.class));
		KafkaMessageListenerContainer<Object, Object> container = new KafkaMessageListenerContainer<>(
				mock(ConsumerFactory.class), properties);
		container.setAfterRollbackProcessor(new DefaultAfterRollbackProcessor<>(recoverer, new FixedBackOff(0, 2)));
		assertThat(this.rule.read(container).safe()).isFalse();
	}

	@Test
	void startersHandlerOnARecovererThatDoesNotWaitForThePublishIsRefused() {
		DeadLetterPublishingRecoverer recoverer = deadLetterRecoverer();
		assertThat(read(new StartersHandler(recoverer)).safe()).isTrue();
		recoverer.setFailIfSendResultIsError(false);
		assertThat(read(new StartersHandler(recoverer))).satisfies((reading) -> {
			assertThat(reading.safe()).isFalse();
			assertThat(reading.actual()).contains("failIfSendResultIsError=false");
		});
	}

	@Test
	void subclassOfDeadLetterPublishingRecovererPasses() {
		DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(mock(KafkaOperations.class)) {
		};
		assertThat(read(new DefaultErrorHandler(recoverer)).safe()).isTrue();
	}

	@Test
	void defaultErrorHandlerWithoutARecovererIsRefusedAsLogging() {
		Reading reading = read(new DefaultErrorHandler());
		assertThat(reading.safe()).isFalse();
		assertThat(reading.actual()).isEqualTo(
				"DefaultErrorHandler without a recoverer (spring-kafka logs and skips failed records after its retries)");
	}

	@Test
	void defaultErrorHandlerWithItsOwnRecovererIsRefusedAsUnknown() {
		ConsumerRecordRecoverer logging = (record, ex) -> {
		};
		assertThat(read(new DefaultErrorHandler(logging))).satisfies((reading) -> {
			assertThat(reading.safe()).isFalse();
			assertThat(reading.actual()).isEqualTo("DefaultErrorHandler with its own recoverer, a lambda "
					+ "(the starter cannot tell whether that keeps failed records)");
		});
		assertThat(read(new DefaultErrorHandler(new DatabaseRecoverer())).actual())
			.contains("with its own recoverer, ErrorHandlerRecognitionTests.DatabaseRecoverer");
	}

	@Test
	void errorHandlerOfAnotherKindIsRefusedAsUnknown() {
		Reading reading = read(new CommonLoggingErrorHandler());
		assertThat(reading.safe()).isFalse();
		assertThat(reading.actual())
			.isEqualTo("CommonLoggingErrorHandler (the starter cannot tell whether it keeps failed records)");
	}

	@Test
	void transactionalContainerReadsTheAfterRollbackProcessorsRecoverer() {
		KafkaMessageListenerContainer<Object, Object> container = container(null);
		container.getContainerProperties().setKafkaAwareTransactionManager(mock(KafkaAwareTransactionManager.class));
		container.setAfterRollbackProcessor(
				new DefaultAfterRollbackProcessor<>(deadLetterRecoverer(), new FixedBackOff(0, 2)));
		assertThat(this.rule.read(container).safe()).isTrue();
		container.setAfterRollbackProcessor(new DefaultAfterRollbackProcessor<>());
		assertThat(this.rule.read(container)).satisfies((reading) -> {
			assertThat(reading.safe()).isFalse();
			assertThat(reading.actual()).isEqualTo(
					"DefaultAfterRollbackProcessor (spring-kafka logs and skips failed records after 10 attempts)");
		});
	}

	@Test
	void recovererThatCannotBeReadIsNeverAPass() {
		DefaultErrorHandler deadLettering = new DefaultErrorHandler(deadLetterRecoverer());
		assertThat(FailedRecordRecoverers.read(deadLettering).kind()).isEqualTo(Kind.DEAD_LETTERS);
		// as if spring-kafka renamed its private fields
		assertThat(FailedRecordRecoverers.read(deadLettering, "tracker", "recoverer").kind())
			.isEqualTo(Kind.UNREADABLE);
		assertThat(FailedRecordRecoverers.read(deadLettering, "failureTracker", "delegate").kind())
			.isEqualTo(Kind.UNREADABLE);
	}

	@Test
	void unreadableRecovererIsReportedPlainly() {
		assertThat(FailedRecordRecoverers.Recoverer.UNREADABLE.kind()).isEqualTo(Kind.UNREADABLE);
		DefaultErrorHandler handler = new DefaultErrorHandler(deadLetterRecoverer());
		Reading reading = ListenerRules.readRecoverer(handler, FailedRecordRecoverers.Recoverer.UNREADABLE, "logs");
		assertThat(reading.safe()).isFalse();
		assertThat(reading.actual()).isEqualTo("DefaultErrorHandler (the starter cannot tell whether it keeps "
				+ "failed records: this spring-kafka version hides its recoverer)");
	}

	@Test
	void springKafkaOffersNoSettingThatCommitsARecordWhoseRecoveryKeepsFailing() {
		// spring-kafka PR #4674 proposes one: once it ships, this rule must refuse it
		assertThat(FailedRecordProcessor.class.getMethods()).extracting(Method::getName)
			.doesNotContain("setMaxRecoveryFailures");
	}

	private Reading read(CommonErrorHandler handler) {
		return this.rule.read(container(handler));
	}

	@SuppressWarnings("unchecked")
	private static KafkaMessageListenerContainer<Object, Object> container(CommonErrorHandler handler) {
		KafkaMessageListenerContainer<Object, Object> container = new KafkaMessageListenerContainer<>(
				mock(ConsumerFactory.class), new ContainerProperties("orders"));
		container.setCommonErrorHandler(handler);
		return container;
	}

	@SuppressWarnings("unchecked")
	/**
	 * The shape of the starter's error handler: it says itself whether it dead-letters.
	 */
	static final class StartersHandler extends DefaultErrorHandler implements DeadLettering {

		StartersHandler(ConsumerRecordRecoverer recoverer) {
			super(recoverer);
		}

		@Override
		public boolean isDeadLettering() {
			return true;
		}

	}

	private static DeadLetterPublishingRecoverer deadLetterRecoverer() {
		return new DeadLetterPublishingRecoverer(mock(KafkaOperations.class));
	}

	static final class DatabaseRecoverer implements ConsumerRecordRecoverer {

		@Override
		public void accept(ConsumerRecord<?, ?> record, Exception ex) {
		}

	}

}
