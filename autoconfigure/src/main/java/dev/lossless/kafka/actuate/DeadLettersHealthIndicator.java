package dev.lossless.kafka.actuate;

import dev.lossless.kafka.deadletter.DeadLetters;
import dev.lossless.kafka.deadletter.DeadLetters.HeldOffsets;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code deadLetters} health: {@code UP} with the offsets each dead-letter topic
 * holds (log end minus log start, an upper bound of its records: transaction markers take
 * offsets too), {@code UNKNOWN} while the brokers do not answer. Dead letters are kept
 * records, not a failure; reading them by exception class is left to the
 * {@code deadletters} endpoint, off this path.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public class DeadLettersHealthIndicator extends AbstractHealthIndicator {

	private final DeadLetters deadLetters;

	/**
	 * Create an instance.
	 * @param deadLetters the application's dead-letter topics
	 */
	public DeadLettersHealthIndicator(DeadLetters deadLetters) {
		super("Dead-letter topics health check failed");
		this.deadLetters = deadLetters;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		HeldOffsets offsets = this.deadLetters.offsets();
		if (offsets.error() != null) {
			builder.unknown().withDetail("error", offsets.error());
			return;
		}
		builder.up()
			.withDetail("offsets", offsets.byTopic())
			.withDetail("total", offsets.byTopic().values().stream().mapToLong(Long::longValue).sum());
	}

}
