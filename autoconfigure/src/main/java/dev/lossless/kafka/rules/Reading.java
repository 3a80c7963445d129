package dev.lossless.kafka.rules;

/**
 * What a rule read from its subject: the actual value, described for people, and whether
 * it is safe.
 *
 * @param safe whether the value satisfies the rule
 * @param actual the actual value, with a note where it is a default
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public record Reading(boolean safe, String actual) {

}
