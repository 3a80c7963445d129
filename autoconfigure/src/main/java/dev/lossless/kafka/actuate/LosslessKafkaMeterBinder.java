package dev.lossless.kafka.actuate;

import dev.lossless.kafka.consumer.RebalanceListener;
import dev.lossless.kafka.consumer.RecoveryListener;
import dev.lossless.kafka.producer.SendResultListener;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Binds the starter's counters to Micrometer under {@code lossless.kafka.*}.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public class LosslessKafkaMeterBinder implements MeterBinder {

	private final @Nullable SendResultListener sendResults;

	private final @Nullable RecoveryListener recovery;

	private final @Nullable RebalanceListener rebalances;

	/**
	 * Create an instance; each source may be {@code null} when the application replaced
	 * it.
	 * @param sendResults the observer of send results
	 * @param recovery the observer of the error handler
	 * @param rebalances the observer of rebalances
	 */
	public LosslessKafkaMeterBinder(@Nullable SendResultListener sendResults, @Nullable RecoveryListener recovery,
			@Nullable RebalanceListener rebalances) {
		this.sendResults = sendResults;
		this.recovery = recovery;
		this.rebalances = rebalances;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		if (this.sendResults != null) {
			SendResultListener sends = this.sendResults;
			FunctionCounter.builder("lossless.kafka.send.successes", sends, (s) -> s.statistics().successes())
				.description("Sends acknowledged by the brokers")
				.register(registry);
			FunctionCounter.builder("lossless.kafka.send.failures", sends, (s) -> s.statistics().failures())
				.description("Sends that failed after the producer's own retries")
				.register(registry);
			FunctionCounter.builder("lossless.kafka.send.rejected", sends, (s) -> s.statistics().rejected())
				.description("Sends that failed for good: neither written nor saved in the send journal")
				.register(registry);
		}
		if (this.recovery != null) {
			RecoveryListener errors = this.recovery;
			FunctionCounter.builder("lossless.kafka.retries", errors, (r) -> r.statistics().failedDeliveries())
				.description("Delivery attempts of a record that threw, each followed by a retry or recovery")
				.register(registry);
			FunctionCounter.builder("lossless.kafka.dlt.publishes", errors, (r) -> r.statistics().deadLettered())
				.description("Records published to a dead-letter topic")
				.register(registry);
			FunctionCounter.builder("lossless.kafka.dlt.failures", errors, (r) -> r.statistics().deadLetterFailures())
				.description("Dead-letter publishes that failed; the record was retried")
				.register(registry);
			Gauge.builder("lossless.kafka.dlt.stalled", errors, (r) -> r.statistics().stalled().size())
				.description("Partitions waiting on a record whose dead-letter publish failed")
				.register(registry);
		}
		if (this.rebalances != null) {
			RebalanceListener listener = this.rebalances;
			FunctionCounter.builder("lossless.kafka.rebalances", listener, RebalanceListener::revocations)
				.description("Rebalances that revoked partitions after committing their processed offsets")
				.register(registry);
			FunctionCounter.builder("lossless.kafka.partitions.lost", listener, RebalanceListener::losses)
				.description("Times partitions were lost without a commit")
				.register(registry);
		}
	}

}
