package dev.lossless.kafka;

import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;

/**
 * One in-JVM broker with the default configuration, started on first use and shared by
 * every test class of the JVM that neither stops the broker nor changes its
 * configuration: each class uses names of its own, and the suite pays the start once
 * instead of once per class. Closed when the JVM exits.
 */
public final class SharedKafkaCluster {

	private static EmbeddedKafkaCluster cluster;

	private SharedKafkaCluster() {
	}

	/**
	 * Return the shared single-broker cluster, starting it on first use. Never close it.
	 * @return the running cluster
	 */
	public static synchronized EmbeddedKafkaCluster get() {
		if (cluster == null) {
			EmbeddedKafkaCluster started = EmbeddedKafkaCluster.builder().brokers(1).start();
			Runtime.getRuntime().addShutdownHook(new Thread(started::close, "shared-kafka-cluster-shutdown"));
			cluster = started;
		}
		return cluster;
	}

}
