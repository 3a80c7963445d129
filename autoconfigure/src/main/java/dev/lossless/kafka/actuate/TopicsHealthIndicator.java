package dev.lossless.kafka.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.lossless.kafka.rules.AuditReport;
import dev.lossless.kafka.rules.ReliabilityAudit;
import dev.lossless.kafka.rules.RuleResult;
import dev.lossless.kafka.rules.Verdict;
import dev.lossless.kafka.topics.TopicInspector;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the topics the application uses: {@code DOWN} when the brokers do not answer
 * within the bounded timeout, or when a topic violates a durability rule whose risk is
 * not accepted.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public class TopicsHealthIndicator extends AbstractHealthIndicator {

	private final ReliabilityAudit audit;

	private final TopicInspector inspector;

	/**
	 * Create an instance.
	 * @param audit the audit whose topic rules are evaluated
	 * @param inspector the inspector used to reach the brokers when the application names
	 * no topic
	 */
	public TopicsHealthIndicator(ReliabilityAudit audit, TopicInspector inspector) {
		super("Kafka topics health check failed");
		this.audit = audit;
		this.inspector = inspector;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		AuditReport report = this.audit.auditTopics();
		String brokerError = report.results().isEmpty() ? this.inspector.inspect(List.of()).error()
				: report.brokerError();
		if (brokerError != null) {
			builder.down().withDetail("reason", brokerError);
			return;
		}
		List<RuleResult> violations = report.violations();
		if (violations.isEmpty()) {
			builder.up();
		}
		else {
			builder.down()
				.withDetail("reason", violations.size() + " topic rule(s) violated")
				.withDetail("violations", byTopic(violations));
		}
		List<RuleResult> accepted = report.withStatus(Verdict.ACCEPTED);
		if (!accepted.isEmpty()) {
			builder.withDetail("acceptedRisks", byTopic(accepted));
		}
		builder.withDetail("topics", report.results().stream().map(RuleResult::subject).distinct().toList());
	}

	private static Map<String, Map<String, String>> byTopic(List<RuleResult> results) {
		Map<String, Map<String, String>> byTopic = new LinkedHashMap<>();
		for (RuleResult result : results) {
			byTopic.computeIfAbsent(result.subject(), (topic) -> new LinkedHashMap<>())
				.put(result.id(), result.actual() + " (expected " + result.expected() + ")");
		}
		return byTopic;
	}

}
