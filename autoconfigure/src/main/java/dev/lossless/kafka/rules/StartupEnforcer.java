package dev.lossless.kafka.rules;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Evaluates every durability rule once at startup, after all beans exist and before the
 * web server and any listener container start, and refuses to start
 * ({@link Enforcement#FAIL}) or warns ({@link Enforcement#WARN}) when a rule is violated
 * and its risk is not accepted.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class StartupEnforcer implements SmartLifecycle {

	/**
	 * The phase of the enforcer: after dead-letter topic provisioning, before the web
	 * server (Spring Boot's {@code WebServerStartStopLifecycle},
	 * {@code DEFAULT_PHASE - 2048}) so that an application refused for unsafe settings
	 * never serves a request, and before listener containers.
	 */
	public static final int PHASE = DEFAULT_PHASE - 4097;

	private static final Log logger = LogFactory.getLog(StartupEnforcer.class);

	private final ReliabilityAudit audit;

	private final Enforcement enforcement;

	private volatile boolean running;

	/**
	 * Create an instance.
	 * @param audit the audit to run
	 * @param enforcement what to do with violations
	 */
	public StartupEnforcer(ReliabilityAudit audit, Enforcement enforcement) {
		this.audit = audit;
		this.enforcement = enforcement;
	}

	@Override
	public void start() {
		AuditReport report = this.audit.audit();
		for (RuleResult accepted : report.withStatus(Verdict.ACCEPTED)) {
			logger.warn("Accepted risk [" + accepted.id() + "] on " + ViolationDescriptions.subjectOf(accepted) + ": "
					+ accepted.setting() + " = " + accepted.actual() + " (expected " + accepted.expected() + "). "
					+ accepted.rationale());
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
