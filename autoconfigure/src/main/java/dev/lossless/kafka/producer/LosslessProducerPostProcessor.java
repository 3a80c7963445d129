package dev.lossless.kafka.producer;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.lossless.kafka.sequence.ProducerSequences;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.ProducerPostProcessor;
import org.springframework.util.ClassUtils;

/**
 * Wraps each producer that a producer factory creates so that its records carry sequence
 * stamps and its failed sends go to a fallback. Each producer instance gets its own
 * producer id.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class LosslessProducerPostProcessor implements ProducerPostProcessor<Object, Object> {

	private final DefaultKafkaProducerFactory<?, ?> factory;

	private final boolean stamp;

	private final Function<ApplicationSerializers, @Nullable SendFallback> fallbacks;

	private final @Nullable SendFallback fallback;

	private final ApplicationSerializers serializers;

	LosslessProducerPostProcessor(DefaultKafkaProducerFactory<?, ?> factory, boolean stamp,
			Function<ApplicationSerializers, @Nullable SendFallback> fallbacks) {
		this.factory = factory;
		this.stamp = stamp;
		this.fallbacks = fallbacks;
		this.serializers = new ApplicationSerializers(factory);
		this.fallback = fallbacks.apply(this.serializers);
	}

	/**
	 * Create a post-processor that only stamps sequence numbers.
	 * @param factory the factory whose producers are wrapped
	 * @return the post-processor
	 */
	public static LosslessProducerPostProcessor stamping(DefaultKafkaProducerFactory<?, ?> factory) {
		return new LosslessProducerPostProcessor(factory, true, (serializers) -> null);
	}

	/**
	 * Bind the starter's post-processors that a factory got by copy (spring-kafka copies
	 * them by reference into a factory with configuration overrides, for example for a
	 * {@code KafkaTemplate} with overrides) to that factory, so that its producers choose
	 * partitions, stamp and journal with its own serializers, partitioner and
	 * transactions.
	 * @param factory the factory
	 * @return whether a post-processor was bound again
	 * @since 0.2.0
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	public static boolean bindCopiesTo(DefaultKafkaProducerFactory<?, ?> factory) {
		boolean bound = false;
		for (Object postProcessor : List.copyOf(factory.getPostProcessors())) {
			if (postProcessor instanceof LosslessProducerPostProcessor lossless && lossless.factory != factory) {
				((DefaultKafkaProducerFactory) factory).removePostProcessor(lossless);
				new LosslessProducerPostProcessor(factory, lossless.stamp, lossless.fallbacks).register();
				bound = true;
			}
		}
		return bound;
	}

	/**
	 * Add this post-processor to its factory.
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	public void register() {
		((DefaultKafkaProducerFactory) this.factory).addPostProcessor(this);
	}

	@Override
	public Producer<Object, Object> apply(Producer<Object, Object> producer) {
		Map<String, Object> configs = this.factory.getConfigurationProperties();
		Partitioner partitioner = partitioner(configs);
		// a transaction's failed records must not be written outside it later
		SendFallback fallback = this.factory.transactionCapable() ? null : this.fallback;
		return new LosslessProducer<>(producer, this.stamp ? ProducerSequences.create() : null,
				new PartitionResolver(producer, this.serializers, partitioner, PartitionResolver.ignoresKeys(configs),
						PartitionResolver.batchSize(configs)),
				partitioner, fallback);
	}

	private static @Nullable Partitioner partitioner(Map<String, Object> configs) {
		Object configured = configs.get(ProducerConfig.PARTITIONER_CLASS_CONFIG);
		if (configured == null) {
			return null;
		}
		Class<?> type = (configured instanceof Class<?> configuredType) ? configuredType : ClassUtils
			.resolveClassName(configured.toString(), LosslessProducerPostProcessor.class.getClassLoader());
		Partitioner partitioner = (Partitioner) BeanUtils.instantiateClass(type);
		partitioner.configure(configs);
		return partitioner;
	}

}
