package dev.lossless.kafka.rules;

import java.util.ArrayList;
import java.util.List;

import dev.lossless.kafka.support.StartupPhases;
import dev.lossless.kafka.topics.DeadLetterTopicProvisioner;
import dev.lossless.kafka.topics.TopicsSnapshot;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.NewTopic;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Evaluates every durability rule once at startup, after all beans exist and before the
 * web server and any listener container start, creates the missing dead-letter topics
 * when startup goes on, and refuses to start ({@link Enforcement#FAIL}) or warns
 * ({@link Enforcement#WARN}) when a rule is violated and its risk is not accepted.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class StartupEnforcer implements SmartLifecycle {

	/**
	 * The phase of the enforcer (see {@link StartupPhases}).
	 */
	public static final int PHASE = StartupPhases.AUDIT;

	private static final Log logger = LogFactory.getLog(StartupEnforcer.class);

	private final ReliabilityAudit audit;

	private final Enforcement enforcement;

	private final @Nullable DeadLetterTopicProvisioner provisioner;

	private volatile boolean running;

	/**
	 * Create an instance.
	 * @param audit the audit to run
	 * @param enforcement what to do with violations
	 */
	public StartupEnforcer(ReliabilityAudit audit, Enforcement enforcement) {
		this(audit, enforcement, null);
	}

	/**
	 * Create an instance that creates the missing dead-letter topics once startup is
	 * known to go on, judging them beforehand as they will be created: the starter never
	 * creates a topic it then refuses.
	 * @param audit the audit to run
	 * @param enforcement what to do with violations
	 * @param provisioner creates missing dead-letter topics, or {@code null}
	 * @since 0.2.0
	 */
	public StartupEnforcer(ReliabilityAudit audit, Enforcement enforcement,
			@Nullable DeadLetterTopicProvisioner provisioner) {
		this.audit = audit;
		this.enforcement = enforcement;
		this.provisioner = provisioner;
	}

	@Override
	public void start() {
		// one inspection of the brokers serves the audit and the provisioning: at most
		// one
		// bounded wait when they do not answer
		TopicsSnapshot topics = this.audit.inspectTopics();
		String testCluster = this.audit.testCluster();
		List<NewTopic> deadLetterTopics = (this.provisioner != null)
				? this.provisioner.plan(topics, testCluster != null) : List.of();
		AuditReport report = this.audit.audit(topics.withCreated(deadLetterTopics));
		List<RuleResult> forTestCluster = new ArrayList<>();
		for (RuleResult accepted : report.withStatus(Verdict.ACCEPTED)) {
			if (accepted.actual().contains(ReliabilityAudit.ACCEPTED_FOR_TEST_CLUSTER)) {
				forTestCluster.add(accepted);
				continue;
			}
			logger.warn("Accepted risk [" + accepted.id() + "] on " + ViolationDescriptions.subjectOf(accepted) + ": "
					+ accepted.setting() + " = " + accepted.actual() + " (expected " + accepted.expected() + "). "
					+ accepted.rationale());
		}
		if (!forTestCluster.isEmpty()) {
			logger.info("Kafka brokers recognized as a test cluster of " + topics.brokers() + " broker(s) by "
					+ testCluster + ": " + forTestCluster.size() + " finding(s) of "
					+ forTestCluster.stream().map(RuleResult::id).distinct().toList() + " on topics "
					+ forTestCluster.stream().map(RuleResult::subject).distinct().toList()
					+ " accepted for the test cluster; client and listener rules stay enforced.");
		}
		if (report.brokerError() != null) {
			logger.warn("Topic rules could not be checked at startup: " + report.brokerError()
					+ ". The kafkaReliability health reports them once the brokers answer.");
		}
		List<RuleResult> violations = report.violations();
		if (!violations.isEmpty()) {
			if (this.enforcement == Enforcement.FAIL) {
				throw new UnsafeKafkaSettingsException(violations);
			}
			logger.warn(ViolationDescriptions.describe(violations) + System.lineSeparator()
					+ ViolationDescriptions.action(violations));
		}
		if (this.provisioner != null) {
			this.provisioner.create(deadLetterTopics);
		}
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
