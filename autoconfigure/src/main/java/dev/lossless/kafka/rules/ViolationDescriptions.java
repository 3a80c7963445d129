package dev.lossless.kafka.rules;

import java.util.List;

/**
 * Describes rule violations for people: what is set, where, why it loses messages, and
 * what to do. Shared by the startup failure and the warnings of {@link Enforcement#WARN}.
 *
 * @author Lossless Kafka team
 */
final class ViolationDescriptions {

	private ViolationDescriptions() {
	}

	static String describe(List<RuleResult> violations) {
		StringBuilder description = new StringBuilder();
		description.append(violations.size())
			.append(" Kafka setting(s) can lose messages; Lossless Kafka refuses them.")
			.append(System.lineSeparator());
		for (RuleResult violation : violations) {
			description.append(System.lineSeparator()).append(describe(violation));
		}
		return description.toString();
	}

	static String describe(RuleResult violation) {
		String newLine = System.lineSeparator();
		return "  [" + violation.id() + "] " + violation.setting() + " = " + violation.actual() + " on "
				+ subjectOf(violation) + newLine + "      expected: " + violation.expected() + newLine
				+ "      set by:   " + violation.origin() + newLine + "      why:      " + violation.rationale()
				+ newLine + refusal(violation);
	}

	private static String refusal(RuleResult violation) {
		String refusal = violation.clientRefusal();
		return (refusal != null) ? "      refused:  " + refusal + " No producer can be created with these "
				+ "settings, so accepting the risk cannot help." + System.lineSeparator() : "";
	}

	static String action(List<RuleResult> violations) {
		String newLine = System.lineSeparator();
		StringBuilder action = new StringBuilder();
		for (RuleResult violation : violations) {
			action.append("  [").append(violation.id()).append("] ").append(violation.remedy()).append(newLine);
		}
		List<RuleResult> acceptable = violations.stream()
			.filter((violation) -> violation.clientRefusal() == null)
			.toList();
		if (acceptable.isEmpty()) {
			return action.append(newLine)
				.append("Kafka's client refuses these settings together: change them; they cannot be accepted.")
				.toString();
		}
		RuleResult first = acceptable.get(0);
		action.append(newLine)
			.append("To accept a risk knowingly, name it in lossless.kafka.accepted-risks, for every subject (")
			.append("lossless.kafka.accepted-risks=")
			.append(first.id())
			.append(") or for one (lossless.kafka.accepted-risks=")
			.append(first.id())
			.append(':')
			.append(first.subject())
			.append("). To only log violations, set lossless.kafka.enforcement=warn.");
		return action.toString();
	}

	static String subjectOf(RuleResult result) {
		String id = result.id();
		String kind = id.startsWith("producer.") ? "producer factory" : id.startsWith("consumer.") ? "consumer factory"
				: id.startsWith("listener.") ? "listener container" : shareSubjectOr(id, "topic");
		return kind + " '" + result.subject() + "'";
	}

	private static String shareSubjectOr(String id, String otherwise) {
		return switch (id) {
			case "share.ack-mode" -> "share listener container";
			case "share.deserializer" -> "share consumer factory";
			case "share.auto-offset-reset", "share.isolation-level" -> "share group";
			default -> otherwise;
		};
	}

}
