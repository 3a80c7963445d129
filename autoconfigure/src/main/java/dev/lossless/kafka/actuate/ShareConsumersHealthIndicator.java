package dev.lossless.kafka.actuate;

import java.util.function.Supplier;

import dev.lossless.kafka.consumer.DeadLetteringShareRecoverer;
import dev.lossless.kafka.consumer.ShareAcknowledgements;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of share consumers (KIP-932): the acknowledgements committed, the failed records
 * released and dead-lettered; {@code DOWN} once a failed record reached the brokers'
 * delivery limit without a dead letter, so the broker archived it.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public class ShareConsumersHealthIndicator extends AbstractHealthIndicator {

	private final Supplier<@Nullable DeadLetteringShareRecoverer> recoverer;

	private final ShareAcknowledgements acknowledgements;

	/**
	 * Create an instance.
	 * @param recoverer the starter's share recoverer, {@code null} when the application
	 * has its own
	 * @param acknowledgements the acknowledgement counter
	 */
	public ShareConsumersHealthIndicator(Supplier<@Nullable DeadLetteringShareRecoverer> recoverer,
			ShareAcknowledgements acknowledgements) {
		super("Share consumers health check failed");
		this.recoverer = recoverer;
		this.acknowledgements = acknowledgements;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("acknowledgementsCommitted", this.acknowledgements.committed())
			.withDetail("acknowledgementsFailed", this.acknowledgements.failed());
		DeadLetteringShareRecoverer shareRecoverer = this.recoverer.get();
		if (shareRecoverer == null) {
			builder.up().withDetail("recoverer", "the application's own");
			return;
		}
		builder.withDetail("released", shareRecoverer.released())
			.withDetail("deadLettered", shareRecoverer.deadLettered())
			.withDetail("deadLetterFailures", shareRecoverer.deadLetterFailures())
			.withDetail("archivedWithoutDeadLetter", shareRecoverer.archived());
		if (shareRecoverer.archived() > 0) {
			builder.down();
		}
		else {
			builder.up();
		}
	}

}
