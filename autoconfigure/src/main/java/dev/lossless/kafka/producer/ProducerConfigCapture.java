package dev.lossless.kafka.producer;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsReporter;
import org.jspecify.annotations.Nullable;

/**
 * Hands the configuration a producer is created with to the starter's producer wrapper:
 * spring-kafka copies the wrapper by reference into a factory with configuration
 * overrides (a {@code KafkaTemplate} built at run time with overrides), and only the
 * producer's own configuration tells which settings, serializers and partitioner it has.
 * Kafka configures this metrics reporter while it creates the producer, on the thread
 * that then runs the wrapper. A reporter rather than a producer interceptor, which Kafka
 * would call twice for every record.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class ProducerConfigCapture implements MetricsReporter {

	private static final ThreadLocal<Map<String, ?>> CREATED = new ThreadLocal<>();

	/**
	 * Return, and forget, the configuration of the producer this thread created last.
	 * @return the configuration, or {@code null} when none was captured
	 */
	static @Nullable Map<String, ?> take() {
		Map<String, ?> configs = CREATED.get();
		CREATED.remove();
		return configs;
	}

	/**
	 * Return whether an element of {@code metric.reporters} names this class.
	 * @param reporter the element: a class or a class name
	 * @return whether it is this class
	 */
	static boolean isNamedBy(Object reporter) {
		return reporter == ProducerConfigCapture.class || ProducerConfigCapture.class.getName().equals(reporter);
	}

	@Override
	public void configure(Map<String, ?> configs) {
		CREATED.set(configs);
	}

	@Override
	public void init(List<KafkaMetric> metrics) {
	}

	@Override
	public void metricChange(KafkaMetric metric) {
	}

	@Override
	public void metricRemoval(KafkaMetric metric) {
	}

	@Override
	public void close() {
	}

}
