package dev.lossless.kafka.rules;

import org.jspecify.annotations.Nullable;

/**
 * The result of evaluating one rule against one subject (a client factory, a listener
 * container or a topic).
 *
 * @param id the rule id
 * @param stage the stage the rule guards
 * @param subject what was evaluated, for example {@code topic 'orders'}
 * @param setting the setting that was read
 * @param expected the value the rule expects
 * @param actual the actual value
 * @param status the verdict
 * @param origin where the actual value came from
 * @param rationale why a violation can lose messages
 * @param remedy what to do about a violation
 * @param clientRefusal why the Kafka client refuses the settings outright (no acceptance
 * can help), or {@code null}
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public record RuleResult(String id, Stage stage, String subject, String setting, String expected, String actual,
		Verdict status, String origin, String rationale, String remedy, @Nullable String clientRefusal) {

	/**
	 * Create a result for settings the client accepts.
	 * @param id the rule id
	 * @param stage the stage the rule guards
	 * @param subject what was evaluated
	 * @param setting the setting that was read
	 * @param expected the value the rule expects
	 * @param actual the actual value
	 * @param status the verdict
	 * @param origin where the actual value came from
	 * @param rationale why a violation can lose messages
	 * @param remedy what to do about a violation
	 */
	public RuleResult(String id, Stage stage, String subject, String setting, String expected, String actual,
			Verdict status, String origin, String rationale, String remedy) {
		this(id, stage, subject, setting, expected, actual, status, origin, rationale, remedy, null);
	}

}
