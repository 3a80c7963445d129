package dev.lossless.kafka.test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Starts (or reuses) the shared cluster of a {@link LosslessEmbeddedKafka} test, creates
 * its topics, and puts {@code spring.kafka.bootstrap-servers} first in the application
 * context's environment.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class LosslessEmbeddedKafkaContextCustomizer implements ContextCustomizer {

	static final String PROPERTY_SOURCE_NAME = "losslessEmbeddedKafka";

	private final List<String> topics;

	private final int partitions;

	private final int brokers;

	LosslessEmbeddedKafkaContextCustomizer(LosslessEmbeddedKafka annotation) {
		this.topics = Arrays.asList(annotation.topics());
		this.partitions = annotation.partitions();
		this.brokers = annotation.brokers();
	}

	@Override
	public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
		EmbeddedKafkaCluster cluster = SharedKafkaClusters.get(this.brokers);
		short replicationFactor = (short) Math.min(3, this.brokers);
		this.topics.forEach((topic) -> cluster.createTopic(topic, this.partitions, replicationFactor, Map.of()));
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME,
					Map.of("spring.kafka.bootstrap-servers", cluster.bootstrapServers())));
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return (other instanceof LosslessEmbeddedKafkaContextCustomizer customizer)
				&& this.topics.equals(customizer.topics) && this.partitions == customizer.partitions
				&& this.brokers == customizer.brokers;
	}

	@Override
	public int hashCode() {
		return (this.topics.hashCode() * 31 + this.partitions) * 31 + this.brokers;
	}

}
