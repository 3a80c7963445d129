package dev.lossless.kafka.actuate;

import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import dev.lossless.kafka.consumer.DeadLetteringShareRecoverer;
import dev.lossless.kafka.consumer.ShareAcknowledgements;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Meters of share consumers (KIP-932): {@code lossless.kafka.share.acknowledgements} (tag
 * {@code result}: committed, failed) and {@code lossless.kafka.share.failed-records} (tag
 * {@code outcome}: released, dead-lettered, dead-letter-failed, archived).
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public class ShareConsumersMeterBinder implements MeterBinder {

	private final Supplier<@Nullable DeadLetteringShareRecoverer> recoverer;

	private final ShareAcknowledgements acknowledgements;

	/**
	 * Create an instance.
	 * @param recoverer the starter's share recoverer, {@code null} when the application
	 * has its own
	 * @param acknowledgements the acknowledgement counter
	 */
	public ShareConsumersMeterBinder(Supplier<@Nullable DeadLetteringShareRecoverer> recoverer,
			ShareAcknowledgements acknowledgements) {
		this.recoverer = recoverer;
		this.acknowledgements = acknowledgements;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		acknowledgements(registry, "committed", ShareAcknowledgements::committed);
		acknowledgements(registry, "failed", ShareAcknowledgements::failed);
		failedRecords(registry, "released", DeadLetteringShareRecoverer::released);
		failedRecords(registry, "dead-lettered", DeadLetteringShareRecoverer::deadLettered);
		failedRecords(registry, "dead-letter-failed", DeadLetteringShareRecoverer::deadLetterFailures);
		failedRecords(registry, "archived", DeadLetteringShareRecoverer::archived);
	}

	private void acknowledgements(MeterRegistry registry, String result,
			ToDoubleFunction<ShareAcknowledgements> count) {
		FunctionCounter.builder("lossless.kafka.share.acknowledgements", this.acknowledgements, count)
			.tag("result", result)
			.description("Record acknowledgements (accept, release, reject) share consumers committed")
			.register(registry);
	}

	private void failedRecords(MeterRegistry registry, String outcome,
			ToDoubleFunction<DeadLetteringShareRecoverer> count) {
		FunctionCounter.builder("lossless.kafka.share.failed-records", this.recoverer, (supplier) -> {
			DeadLetteringShareRecoverer shareRecoverer = supplier.get();
			return (shareRecoverer != null) ? count.applyAsDouble(shareRecoverer) : 0;
		})
			.tag("outcome", outcome)
			.description("Records a share listener failed, by what the starter's recoverer did with them")
			.register(registry);
	}

}
