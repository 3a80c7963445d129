package dev.lossless.kafka.actuate;

import dev.lossless.kafka.idempotent.IdempotentProcessor;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Meters of the idempotent consumer: {@code lossless.kafka.idempotent.*}.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public class IdempotentProcessorMeterBinder implements MeterBinder {

	private final IdempotentProcessor processor;

	/**
	 * Create an instance.
	 * @param processor the idempotent processor
	 */
	public IdempotentProcessorMeterBinder(IdempotentProcessor processor) {
		this.processor = processor;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		FunctionCounter.builder("lossless.kafka.idempotent.processed", this.processor, IdempotentProcessor::processed)
			.description("Messages whose side effect ran for the first time")
			.register(registry);
		FunctionCounter.builder("lossless.kafka.idempotent.skipped", this.processor, IdempotentProcessor::skipped)
			.description("Messages skipped because their consumer had processed them before")
			.register(registry);
	}

}
