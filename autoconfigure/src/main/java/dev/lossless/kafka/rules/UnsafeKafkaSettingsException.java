package dev.lossless.kafka.rules;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown at startup when settings that can lose messages are in force and their risk is
 * not accepted.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 * @see UnsafeKafkaSettingsFailureAnalyzer
 */
public class UnsafeKafkaSettingsException extends RuntimeException {

	private final List<RuleResult> violations;

	/**
	 * Create an instance.
	 * @param violations the violations, at least one
	 */
	public UnsafeKafkaSettingsException(List<RuleResult> violations) {
		super(violations.size() + " Kafka setting(s) can lose messages: "
				+ violations.stream()
					.map((violation) -> violation.id() + " on " + violation.subject() + " (" + violation.actual() + ")")
					.collect(Collectors.joining(", ")));
		this.violations = List.copyOf(violations);
	}

	/**
	 * Create an instance with a message of its own.
	 * @param message the message
	 * @param violations the violations, at least one
	 * @since 0.2.0
	 */
	public UnsafeKafkaSettingsException(String message, List<RuleResult> violations) {
		super(message);
		this.violations = List.copyOf(violations);
	}

	/**
	 * Return the violations.
	 * @return the violations
	 */
	public List<RuleResult> getViolations() {
		return this.violations;
	}

}
