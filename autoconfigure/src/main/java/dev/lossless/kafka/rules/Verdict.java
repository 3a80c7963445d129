package dev.lossless.kafka.rules;

/**
 * The outcome of evaluating one durability rule against one subject.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public enum Verdict {

	/**
	 * The subject satisfies the rule.
	 */
	PASS,

	/**
	 * The subject violates the rule and the risk is not accepted.
	 */
	FAIL,

	/**
	 * The subject violates the rule and the risk is accepted through
	 * {@code lossless.kafka.accepted-risks}.
	 */
	ACCEPTED,

	/**
	 * The rule could not be evaluated, for example because the brokers did not answer in
	 * time.
	 */
	UNKNOWN

}
