package dev.lossless.kafka.rules;

import java.util.function.Function;
import java.util.function.Predicate;

import org.springframework.util.Assert;

/**
 * One durability rule: its stable id, the stage it guards, the setting it reads, the
 * value it expects, why a violation loses messages, what to do about it, and how to read
 * the actual value from a subject.
 *
 * @param <S> the type of subject the rule reads
 * @author Lossless Kafka team
 * @since 0.1.0
 * @see DurabilityRules
 */
public final class Rule<S> {

	private final String id;

	private final Stage stage;

	private final String setting;

	private final String expected;

	private final String rationale;

	private final String remedy;

	private final Function<S, Reading> reader;

	private final Predicate<S> appliesTo;

	Rule(String id, Stage stage, String setting, String expected, String rationale, String remedy,
			Function<S, Reading> reader) {
		this(id, stage, setting, expected, rationale, remedy, reader, (subject) -> true);
	}

	Rule(String id, Stage stage, String setting, String expected, String rationale, String remedy,
			Function<S, Reading> reader, Predicate<S> appliesTo) {
		Assert.hasText(id, "'id' must not be empty");
		this.id = id;
		this.stage = stage;
		this.setting = setting;
		this.expected = expected;
		this.rationale = rationale;
		this.remedy = remedy;
		this.reader = reader;
		this.appliesTo = appliesTo;
	}

	/**
	 * Return the stable id, used in {@code lossless.kafka.accepted-risks}.
	 * @return the id
	 */
	public String getId() {
		return this.id;
	}

	public Stage getStage() {
		return this.stage;
	}

	/**
	 * Return the setting the rule reads: a Kafka client or topic configuration key, or a
	 * container property.
	 * @return the setting
	 */
	public String getSetting() {
		return this.setting;
	}

	public String getExpected() {
		return this.expected;
	}

	/**
	 * Return why a violation of this rule can lose messages.
	 * @return the rationale
	 */
	public String getRationale() {
		return this.rationale;
	}

	/**
	 * Return what to do about a violation.
	 * @return the remedy
	 */
	public String getRemedy() {
		return this.remedy;
	}

	/**
	 * Read the actual value of the rule's setting from the given subject.
	 * @param subject the subject
	 * @return the reading
	 */
	public Reading read(S subject) {
		return this.reader.apply(subject);
	}

	/**
	 * Return whether the rule judges the given subject at all (a rule of dead-letter
	 * topics does not judge other topics).
	 * @param subject the subject
	 * @return whether the rule applies
	 * @since 0.2.0
	 */
	public boolean appliesTo(S subject) {
		return this.appliesTo.test(subject);
	}

	@Override
	public String toString() {
		return this.id;
	}

}
