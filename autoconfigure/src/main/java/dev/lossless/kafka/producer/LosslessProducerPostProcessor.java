package dev.lossless.kafka.producer;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.lossless.kafka.sequence.ProducerSequences;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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

	// set for each producer by the factory that creates it
	private static final Set<String> PER_PRODUCER = Set.of(ProducerConfig.CLIENT_ID_CONFIG,
			ProducerConfig.TRANSACTIONAL_ID_CONFIG);

	private final DefaultKafkaProducerFactory<?, ?> factory;

	private final boolean stamp;

	private final Function<ApplicationSerializers, @Nullable SendFallback> fallbacks;

	private final @Nullable SendFallback fallback;

	private final ApplicationSerializers serializers;

	private final Consumer<Map<String, Object>> overridesJudge;

	private final @Nullable ResentStamps resentStamps;

	LosslessProducerPostProcessor(DefaultKafkaProducerFactory<?, ?> factory, boolean stamp,
			Function<ApplicationSerializers, @Nullable SendFallback> fallbacks) {
		this(factory, stamp, fallbacks, (configs) -> {
		});
	}

	LosslessProducerPostProcessor(DefaultKafkaProducerFactory<?, ?> factory, boolean stamp,
			Function<ApplicationSerializers, @Nullable SendFallback> fallbacks,
			Consumer<Map<String, Object>> overridesJudge) {
		this(factory, stamp, fallbacks, overridesJudge, null);
	}

	private LosslessProducerPostProcessor(DefaultKafkaProducerFactory<?, ?> factory, boolean stamp,
			Function<ApplicationSerializers, @Nullable SendFallback> fallbacks,
			Consumer<Map<String, Object>> overridesJudge, @Nullable ResentStamps resentStamps) {
		this.resentStamps = resentStamps;
		this.factory = factory;
		this.stamp = stamp;
		this.fallbacks = fallbacks;
		this.overridesJudge = overridesJudge;
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
	 * Create a post-processor that only stamps sequence numbers, and gives a message sent
	 * again after a failed attempt the stamp of that attempt (the same producer id and
	 * number), so that the consumer sees a late record or a duplicate, not a gap.
	 * @param factory the factory whose producers are wrapped
	 * @param messages returns the identity of the message a record carries, the same for
	 * each attempt to send it, or {@code null} for a record that is never sent again
	 * @return the post-processor
	 * @since 0.2.0
	 */
	public static LosslessProducerPostProcessor stamping(DefaultKafkaProducerFactory<?, ?> factory,
			Function<ProducerRecord<?, ?>, @Nullable Object> messages) {
		return new LosslessProducerPostProcessor(factory, true, (serializers) -> null, (configs) -> {
		}, new ResentStamps(messages));
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
				new LosslessProducerPostProcessor(factory, lossless.stamp, lossless.fallbacks, lossless.overridesJudge,
						lossless.resentStamps)
					.register();
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
		Map<String, Object> created = createdWithOverrides();
		if (created == null) {
			Map<String, Object> configs = this.factory.getConfigurationProperties();
			// a transaction's failed records must not be written outside it later
			return wrap(producer, configs, this.serializers, this.factory.transactionCapable() ? null : this.fallback);
		}
		// a copy of the factory with configuration overrides, made at run time (a bean
		// is bound to its own factory): judged, and bound to its own settings
		try {
			this.overridesJudge.accept(created);
		}
		catch (RuntimeException ex) {
			producer.close();
			throw ex;
		}
		ApplicationSerializers serializers = new ApplicationSerializers(this.factory, () -> created);
		boolean transactional = created.containsKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		return wrap(producer, created, serializers, transactional ? null : this.fallbacks.apply(serializers));
	}

	private Producer<Object, Object> wrap(Producer<Object, Object> producer, Map<String, Object> configs,
			ApplicationSerializers serializers, @Nullable SendFallback fallback) {
		Partitioner partitioner = partitioner(configs);
		return new LosslessProducer<>(
				producer, this.stamp ? ProducerSequences.create() : null, new PartitionResolver(producer, serializers,
						partitioner, PartitionResolver.ignoresKeys(configs), PartitionResolver.batchSize(configs)),
				partitioner, fallback, this.resentStamps);
	}

	/**
	 * Return the configuration the producer being wrapped was created with, when it is
	 * not that of this post-processor's factory.
	 */
	private @Nullable Map<String, Object> createdWithOverrides() {
		Map<String, ?> captured = ProducerConfigCapture.take();
		if (captured == null) {
			return null;
		}
		Map<String, Object> created = new HashMap<>(captured);
		Map<String, Object> own = this.factory.getConfigurationProperties();
		Set<String> keys = new HashSet<>(created.keySet());
		keys.addAll(own.keySet());
		for (String key : keys) {
			if (!PER_PRODUCER.contains(key) && !isSerializerInstance(key)
					&& !Objects.equals(created.get(key), own.get(key))) {
				return created;
			}
		}
		return null;
	}

	// the producer gets the factory's serializer instances, named by class in its
	// configuration
	private boolean isSerializerInstance(String key) {
		return (ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG.equals(key)
				&& this.factory.getKeySerializerSupplier().get() != null)
				|| (ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG.equals(key)
						&& this.factory.getValueSerializerSupplier().get() != null);
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
