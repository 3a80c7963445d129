package dev.lossless.kafka.rules;

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
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public record RuleResult(String id, Stage stage, String subject, String setting, String expected, String actual,
		Verdict status, String origin, String rationale, String remedy) {

}
