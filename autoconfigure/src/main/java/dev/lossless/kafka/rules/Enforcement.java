package dev.lossless.kafka.rules;

/**
 * What happens at startup when a durability rule is violated and its risk is not
 * accepted.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public enum Enforcement {

	/**
	 * Refuse to start, with a description of every violation.
	 */
	FAIL,

	/**
	 * Start, and log every violation as a warning.
	 */
	WARN

}
