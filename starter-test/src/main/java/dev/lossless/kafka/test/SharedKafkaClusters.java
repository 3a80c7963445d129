package dev.lossless.kafka.test;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;

/**
 * The clusters of {@link LosslessEmbeddedKafka}, one per broker count, started on first
 * use and shared by every test of the JVM: starting three brokers takes seconds, and a
 * test suite should pay it once. They are closed when the JVM exits.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class SharedKafkaClusters {

	private static final Map<Integer, EmbeddedKafkaCluster> clusters = new ConcurrentHashMap<>();

	private SharedKafkaClusters() {
	}

	/**
	 * Return the running cluster with the given number of brokers, starting it on first
	 * use.
	 * @param brokers the number of brokers
	 * @return the cluster
	 */
	static EmbeddedKafkaCluster get(int brokers) {
		return clusters.computeIfAbsent(brokers, SharedKafkaClusters::start);
	}

	private static EmbeddedKafkaCluster start(int brokers) {
		EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.builder().brokers(brokers).start();
		Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "lossless-embedded-kafka-shutdown-" + brokers));
		return cluster;
	}

}
