package dev.lossless.kafka.actuate;

import dev.lossless.kafka.producer.SendResultListener;
import dev.lossless.kafka.producer.SendResultListener.SendStatistics;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the application's sends: {@code DOWN} while the most recent sends failed,
 * with the last failure.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public class ProducerHealthIndicator extends AbstractHealthIndicator {

	private final SendResultListener sendResults;

	/**
	 * Create an instance.
	 * @param sendResults the observer of send results
	 */
	public ProducerHealthIndicator(SendResultListener sendResults) {
		super("Kafka producer health check failed");
		this.sendResults = sendResults;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		SendStatistics statistics = this.sendResults.statistics();
		if (statistics.failuresSinceSuccess() > 0) {
			builder.down().withDetail("reason", "the last " + statistics.failuresSinceSuccess() + " send(s) failed");
		}
		else {
			builder.up();
		}
		builder.withDetail("acknowledged", statistics.successes()).withDetail("failed", statistics.failures());
		if (statistics.lastFailure() != null) {
			builder.withDetail("lastFailure", statistics.lastFailure());
		}
	}

}
