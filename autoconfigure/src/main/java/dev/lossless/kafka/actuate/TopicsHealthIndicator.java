package dev.lossless.kafka.actuate;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.lossless.kafka.rules.AuditReport;
import dev.lossless.kafka.rules.ReliabilityAudit;
import dev.lossless.kafka.rules.RuleResult;
import dev.lossless.kafka.rules.Verdict;
import dev.lossless.kafka.topics.TopicInspector;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.util.Assert;

/**
 * Health of the topics the application uses: {@code DOWN} when the brokers do not answer
 * within the bounded timeout, or when a topic violates a durability rule whose risk is
 * not accepted.
 * <p>
 * Auditing the topics describes every topic and its settings: an answer that grows with
 * the topics. It is kept for a time to live, so that health requests do not each repeat
 * it; a request within the time to live only checks, with one small call, that the
 * brokers still answer. An audit that could not reach the brokers is not kept.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public class TopicsHealthIndicator extends AbstractHealthIndicator {

	private final ReliabilityAudit audit;

	/**
	 * The default time an audit of the topics is kept.
	 * @since 0.2.0
	 */
	public static final Duration DEFAULT_TIME_TO_LIVE = Duration.ofSeconds(30);

	private final TopicInspector inspector;

	private final long timeToLiveNanos;

	private @Nullable KeptReport kept;

	/**
	 * Create an instance that keeps an audit for {@link #DEFAULT_TIME_TO_LIVE}.
	 * @param audit the audit whose topic rules are evaluated
	 * @param inspector the inspector used to reach the brokers when the application names
	 * no topic
	 */
	public TopicsHealthIndicator(ReliabilityAudit audit, TopicInspector inspector) {
		this(audit, inspector, DEFAULT_TIME_TO_LIVE);
	}

	/**
	 * Create an instance.
	 * @param audit the audit whose topic rules are evaluated
	 * @param inspector the inspector used to check that the brokers answer
	 * @param timeToLive how long an audit of the topics is kept; zero audits them on
	 * every request
	 * @since 0.2.0
	 */
	public TopicsHealthIndicator(ReliabilityAudit audit, TopicInspector inspector, Duration timeToLive) {
		super("Kafka topics health check failed");
		Assert.isTrue(timeToLive != null && !timeToLive.isNegative(), "'timeToLive' must not be negative");
		this.audit = audit;
		this.inspector = inspector;
		this.timeToLiveNanos = timeToLive.toNanos();
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		KeptReport kept = report();
		AuditReport report = kept.report();
		String brokerError = (report.results().isEmpty() || kept.fromCache()) ? this.inspector.brokerError()
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

	private synchronized KeptReport report() {
		KeptReport kept = this.kept;
		if (kept != null && System.nanoTime() - kept.readAt() < this.timeToLiveNanos) {
			return new KeptReport(kept.report(), kept.readAt(), true);
		}
		AuditReport report = this.audit.auditTopics();
		kept = new KeptReport(report, System.nanoTime(), false);
		this.kept = (report.brokerError() == null) ? kept : null;
		return kept;
	}

	private static Map<String, Map<String, String>> byTopic(List<RuleResult> results) {
		Map<String, Map<String, String>> byTopic = new LinkedHashMap<>();
		for (RuleResult result : results) {
			byTopic.computeIfAbsent(result.subject(), (topic) -> new LinkedHashMap<>())
				.put(result.id(), result.actual() + " (expected " + result.expected() + ")");
		}
		return byTopic;
	}

	private record KeptReport(AuditReport report, long readAt, boolean fromCache) {
	}

}
