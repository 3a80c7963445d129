package dev.lossless.kafka.rules;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link UnsafeKafkaSettingsException}: for each violation, the rule id, the
 * setting, its value and where it came from, why it can lose messages, and what to set
 * instead or how to accept the risk.
 *
 * @author Lossless Kafka team
 */
class UnsafeKafkaSettingsFailureAnalyzer extends AbstractFailureAnalyzer<UnsafeKafkaSettingsException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnsafeKafkaSettingsException cause) {
		return new FailureAnalysis(ViolationDescriptions.describe(cause.getViolations()),
				ViolationDescriptions.action(cause.getViolations()), cause);
	}

}
