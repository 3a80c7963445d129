package dev.lossless.kafka.rules;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The risks the application accepts knowingly, from
 * {@code lossless.kafka.accepted-risks}: a rule id accepts the rule's risk for every
 * subject, {@code id:subject} for one subject only (a topic, a factory bean or a listener
 * id).
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class AcceptedRisks {

	private final Set<String> entries;

	/**
	 * Create an instance, refusing entries that name no rule of the catalogue.
	 * @param entries the accepted risks
	 * @param rules the catalogue
	 * @throws IllegalArgumentException if an entry names an unknown rule
	 */
	public AcceptedRisks(Collection<String> entries, DurabilityRules rules) {
		Set<String> ids = rules.all().stream().map(Rule::getId).collect(Collectors.toCollection(LinkedHashSet::new));
		List<String> unknown = entries.stream().filter((entry) -> !ids.contains(ruleIdOf(entry))).toList();
		if (!unknown.isEmpty()) {
			throw new IllegalArgumentException("lossless.kafka.accepted-risks names " + unknown
					+ ", which is not a rule id. Known rule ids: " + String.join(", ", ids) + ".");
		}
		this.entries = Set.copyOf(entries);
	}

	/**
	 * Return whether the risk of the given rule is accepted for the given subject.
	 * @param ruleId the rule id
	 * @param subject the subject's name
	 * @return whether the risk is accepted
	 */
	public boolean accepts(String ruleId, String subject) {
		return this.entries.contains(ruleId) || this.entries.contains(ruleId + ":" + subject);
	}

	/**
	 * Return the accepted risks as configured.
	 * @return the accepted risks
	 */
	public Set<String> entries() {
		return this.entries;
	}

	private static String ruleIdOf(String entry) {
		int colon = entry.indexOf(':');
		return (colon >= 0) ? entry.substring(0, colon) : entry;
	}

}
