package dev.lossless.kafka.rules;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The results of one evaluation of the durability rules.
 *
 * @param results one result per rule and subject
 * @param brokerError why the brokers could not be asked, or {@code null} when they
 * answered or were not asked
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public record AuditReport(List<RuleResult> results, @Nullable String brokerError) {

	/**
	 * Return the results with the given verdict.
	 * @param verdict the verdict
	 * @return the matching results
	 */
	public List<RuleResult> withStatus(Verdict verdict) {
		return this.results.stream().filter((result) -> result.status() == verdict).toList();
	}

	/**
	 * Return the violations whose risk is not accepted.
	 * @return the violations
	 */
	public List<RuleResult> violations() {
		return withStatus(Verdict.FAIL);
	}

}
