package dev.lossless.kafka.rules;

import org.jspecify.annotations.Nullable;

/**
 * What a rule read from its subject: the actual value, described for people, and whether
 * it is safe.
 *
 * @param safe whether the value satisfies the rule
 * @param actual the actual value, with a note where it is a default
 * @param impliedBy the id of the rule whose setting made this value (accepting that
 * rule's risk accepts this one), or {@code null}
 * @param clientRefusal why the Kafka client refuses the settings outright, so that no
 * acceptance can help, or {@code null}
 * @param unknown whether the rule cannot tell from the settings whether the value is safe
 * (a verdict of {@link Verdict#UNKNOWN}, reported but not refusing startup)
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public record Reading(boolean safe, String actual, @Nullable String impliedBy, @Nullable String clientRefusal,
		boolean unknown) {

	/**
	 * Create a reading that no other rule implies and the client accepts.
	 * @param safe whether the value satisfies the rule
	 * @param actual the actual value
	 */
	public Reading(boolean safe, String actual) {
		this(safe, actual, null, null);
	}

	/**
	 * Create a reading that no other rule implies and the client accepts.
	 * @param safe whether the value satisfies the rule
	 * @param actual the actual value
	 * @param impliedBy the id of the rule whose setting made this value, or {@code null}
	 * @param clientRefusal why the Kafka client refuses the settings, or {@code null}
	 */
	public Reading(boolean safe, String actual, @Nullable String impliedBy, @Nullable String clientRefusal) {
		this(safe, actual, impliedBy, clientRefusal, false);
	}

	/**
	 * Create a reading of a value the rule cannot judge from the settings.
	 * @param actual the actual value
	 * @return the reading
	 * @since 0.2.0
	 */
	public static Reading unknown(String actual) {
		return new Reading(false, actual, null, null, true);
	}

}
