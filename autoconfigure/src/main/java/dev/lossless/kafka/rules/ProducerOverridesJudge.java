package dev.lossless.kafka.rules;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Judges, by the catalogue's producer rules, a producer created by a copy of a producer
 * factory with configuration overrides made at run time (a {@code KafkaTemplate} built
 * with overrides, {@code copyWithConfigurationOverride}); the startup audit never saw it.
 * Its subject is {@value #SUBJECT}, so that a risk can be accepted for such producers
 * alone.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class ProducerOverridesJudge implements Consumer<Map<String, Object>> {

	/**
	 * The subject name of producers created with configuration overrides at run time.
	 */
	public static final String SUBJECT = "runtime-overrides";

	private static final Log logger = LogFactory.getLog(ProducerOverridesJudge.class);

	private final Supplier<ReliabilityAudit> audit;

	private final Enforcement enforcement;

	/**
	 * Create an instance.
	 * @param audit the audit whose rules and accepted risks judge
	 * @param enforcement whether a violation refuses the producer or is logged
	 */
	public ProducerOverridesJudge(Supplier<ReliabilityAudit> audit, Enforcement enforcement) {
		this.audit = audit;
		this.enforcement = enforcement;
	}

	/**
	 * Judge a producer's configuration.
	 * @param configs the configuration the producer is created with
	 * @throws UnsafeKafkaSettingsException when a rule is violated, its risk is not
	 * accepted and violations are enforced
	 */
	@Override
	public void accept(Map<String, Object> configs) {
		List<RuleResult> results = this.audit.get()
			.auditProducer(new ClientSettings(ClientSettings.PRODUCER, SUBJECT, configs));
		List<RuleResult> violations = results.stream().filter((result) -> result.status() == Verdict.FAIL).toList();
		if (violations.isEmpty()) {
			return;
		}
		String description = "A producer created at run time with configuration overrides: "
				+ ViolationDescriptions.describe(violations) + System.lineSeparator()
				+ ViolationDescriptions.action(violations);
		if (this.enforcement == Enforcement.FAIL) {
			throw new UnsafeKafkaSettingsException(description, violations);
		}
		logger.warn(description);
	}

}
