package dev.lossless.kafka.actuate;

import java.time.Duration;

import dev.lossless.kafka.outbox.OutboxMonitor;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Meters of the transactional outbox: {@code lossless.kafka.outbox.*}.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public class OutboxMeterBinder implements MeterBinder {

	private final OutboxMonitor monitor;

	/**
	 * Create an instance.
	 * @param monitor the outbox
	 */
	public OutboxMeterBinder(OutboxMonitor monitor) {
		this.monitor = monitor;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("lossless.kafka.outbox.pending", this.monitor, (m) -> m.statistics().pending())
			.description("Outbox rows not yet published (counted up to " + OutboxMonitor.PENDING_COUNT_LIMIT
					+ ", -1 when the table cannot be read)")
			.register(registry);
		Gauge.builder("lossless.kafka.outbox.oldest.age", this.monitor, OutboxMeterBinder::oldestAgeSeconds)
			.description("Age of the oldest outbox row not yet published")
			.baseUnit("seconds")
			.register(registry);
		FunctionCounter.builder("lossless.kafka.outbox.published", this.monitor, OutboxMonitor::published)
			.description("Outbox rows published and marked sent by this instance")
			.register(registry);
		FunctionCounter.builder("lossless.kafka.outbox.failures", this.monitor, OutboxMonitor::failures)
			.description("Failed sends of outbox rows by this instance")
			.register(registry);
	}

	private static double oldestAgeSeconds(OutboxMonitor monitor) {
		Duration age = monitor.statistics().oldestPendingAge();
		return (age != null) ? age.toMillis() / 1000.0 : 0;
	}

}
