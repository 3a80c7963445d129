package dev.lossless.kafka.producer;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;

/**
 * Makes the producers of Spring Boot's producer factory stamp sequence numbers on their
 * records and hand their failed sends to a fallback.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class LosslessProducerFactoryCustomizer implements DefaultKafkaProducerFactoryCustomizer {

	private final boolean stampSequences;

	private final @Nullable SendFallback fallback;

	/**
	 * Create an instance that only stamps sequence numbers.
	 */
	public LosslessProducerFactoryCustomizer() {
		this(true, null);
	}

	LosslessProducerFactoryCustomizer(boolean stampSequences, @Nullable SendFallback fallback) {
		this.stampSequences = stampSequences;
		this.fallback = fallback;
	}

	@Override
	public void customize(DefaultKafkaProducerFactory<?, ?> producerFactory) {
		if (this.stampSequences || this.fallback != null) {
			new LosslessProducerPostProcessor(producerFactory, this.stampSequences, this.fallback).register();
		}
	}

}
