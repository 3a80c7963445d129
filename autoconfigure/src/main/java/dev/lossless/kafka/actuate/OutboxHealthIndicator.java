package dev.lossless.kafka.actuate;

import dev.lossless.kafka.outbox.OutboxMonitor;
import dev.lossless.kafka.outbox.OutboxMonitor.Statistics;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the transactional outbox: {@code DOWN} while pending rows hold up their lane
 * after a failed send, while the relay's rounds fail, or when the outbox table cannot be
 * read; {@code UNKNOWN} when the outbox is inactive (its tables did not exist at
 * startup); details: pending rows, the age of the oldest, rows published and failed sends
 * by this instance, and the last failure.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public class OutboxHealthIndicator extends AbstractHealthIndicator {

	private final OutboxMonitor monitor;

	/**
	 * Create an instance.
	 * @param monitor the outbox
	 */
	public OutboxHealthIndicator(OutboxMonitor monitor) {
		super("Outbox health check failed");
		this.monitor = monitor;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		if (!this.monitor.isActive()) {
			builder.unknown().withDetail("reason", "the outbox is inactive: its tables could not be read at startup");
			return;
		}
		Statistics statistics = this.monitor.statistics();
		if (statistics.backlogError() != null) {
			builder.down().withDetail("reason", "the outbox table cannot be read: " + statistics.backlogError());
		}
		else if (statistics.failing() > 0) {
			builder.down()
				.withDetail("reason",
						statistics.failing() + " pending row(s) failed to publish and hold up their lane");
		}
		else if (statistics.consecutiveFailures() > 0) {
			builder.down()
				.withDetail("reason", "the last " + statistics.consecutiveFailures() + " relay round(s) failed");
		}
		else {
			builder.up();
		}
		if (statistics.pending() >= 0) {
			builder.withDetail("pending", statistics.pending());
		}
		if (statistics.oldestPendingAge() != null) {
			builder.withDetail("oldestPendingAge", statistics.oldestPendingAge().toString());
		}
		builder.withDetail("published", statistics.published()).withDetail("failures", statistics.failures());
		if (statistics.lastFailure() != null) {
			builder.withDetail("lastFailure", statistics.lastFailure());
		}
	}

}
