package dev.lossless.kafka.producer;

import java.util.Map;

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

	private final @Nullable SendFallback fallback;

	private final ApplicationSerializers serializers;

	LosslessProducerPostProcessor(DefaultKafkaProducerFactory<?, ?> factory, ApplicationSerializers serializers,
			boolean stamp, @Nullable SendFallback fallback) {
		this.factory = factory;
		this.stamp = stamp;
		this.fallback = fallback;
		this.serializers = serializers;
	}

	/**
	 * Create a post-processor that only stamps sequence numbers.
	 * @param factory the factory whose producers are wrapped
	 * @return the post-processor
	 */
	public static LosslessProducerPostProcessor stamping(DefaultKafkaProducerFactory<?, ?> factory) {
		return new LosslessProducerPostProcessor(factory, new ApplicationSerializers(factory), true, null);
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
