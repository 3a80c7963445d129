package dev.lossless.kafka.rules;

import dev.lossless.kafka.KafkaTestSupport;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the rules that judge producer settings together, as Kafka's client does.
 */
class ProducerSettingCombinationsTests {

	private final ApplicationContextRunner contextRunner = KafkaTestSupport.starterContextRunner();

	@ParameterizedTest(name = "{0} accepted as {1} accepts the idempotence Kafka turns off")
	@CsvSource(delimiter = '|', textBlock = """
			spring.kafka.producer.acks=1     | producer.acks
			spring.kafka.producer.acks=0     | producer.acks
			spring.kafka.producer.retries=0  | producer.retries
			""")
	void acceptingASettingAcceptsTheIdempotenceKafkaTurnsOffWithIt(String property, String ruleId) {
		this.contextRunner.withPropertyValues(property, "lossless.kafka.accepted-risks=" + ruleId).run((context) -> {
			assertThat(context).hasNotFailed();
			RuleResult idempotence = context.getBean(ReliabilityAudit.class)
				.audit()
				.results()
				.stream()
				.filter((result) -> result.id().equals("producer.idempotence"))
				.findFirst()
				.orElseThrow();
			assertThat(idempotence.status()).isEqualTo(Verdict.ACCEPTED);
			assertThat(idempotence.actual()).contains("implied by " + ruleId);
		});
	}

	@Test
	void acceptingIdempotenceAloneDoesNotAcceptAcks() {
		this.contextRunner
			.withPropertyValues("spring.kafka.producer.acks=1", "lossless.kafka.accepted-risks=producer.idempotence")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(violations(context.getStartupFailure())).extracting(RuleResult::id)
					.containsExactly("producer.acks");
			});
	}

	@ParameterizedTest(name = "{0} is refused although {1} is accepted")
	@CsvSource(delimiter = '|',
			textBlock = """
					spring.kafka.producer.properties.max.in.flight.requests.per.connection=6                         | producer.max-in-flight,producer.idempotence | max.in.flight.requests.per.connection
					spring.kafka.producer.acks=1,spring.kafka.producer.transaction-id-prefix=tx-                     | producer.acks,producer.idempotence         | transactional.id
					spring.kafka.producer.retries=0,spring.kafka.producer.transaction-id-prefix=tx-                  | producer.retries,producer.idempotence      | transactional.id
					spring.kafka.producer.acks=1,spring.kafka.producer.properties.enable.idempotence=true            | producer.acks,producer.idempotence         | acks
					""")
	void combinationKafkaRefusesCannotBeAccepted(String properties, String ruleIds, String named) {
		this.contextRunner.withPropertyValues(properties.split(","))
			.withPropertyValues("lossless.kafka.accepted-risks=" + ruleIds)
			.run((context) -> {
				assertThat(context).hasFailed();
				UnsafeKafkaSettingsException failure = violationsFailure(context.getStartupFailure());
				assertThat(failure.getViolations()).extracting(RuleResult::id).contains("producer.idempotence");
				FailureAnalysis analysis = new UnsafeKafkaSettingsFailureAnalyzer().analyze(failure);
				assertThat(analysis.getDescription()).contains("ConfigException")
					.contains(named)
					.contains("accepting the risk cannot help");
				assertThat(analysis.getAction()).doesNotContain("lossless.kafka.accepted-risks=producer.idempotence");
			});
	}

	@Test
	void maxInFlightAboveFiveIsAcceptedWithIdempotenceTurnedOffExplicitly() {
		this.contextRunner
			.withPropertyValues("spring.kafka.producer.properties.max.in.flight.requests.per.connection=6",
					"spring.kafka.producer.properties.enable.idempotence=false",
					"lossless.kafka.accepted-risks=producer.max-in-flight,producer.idempotence")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	private static List<RuleResult> violations(Throwable failure) {
		return violationsFailure(failure).getViolations();
	}

	private static UnsafeKafkaSettingsException violationsFailure(Throwable failure) {
		Throwable cause = failure;
		while (!(cause instanceof UnsafeKafkaSettingsException) && cause.getCause() != null) {
			cause = cause.getCause();
		}
		assertThat(cause).isInstanceOf(UnsafeKafkaSettingsException.class);
		return (UnsafeKafkaSettingsException) cause;
	}

}
