package dev.lossless.kafka.testcluster;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Server properties shared by both cluster flavours, tuned for a small (2-core) machine.
 *
 * @author Lossless Kafka team
 */
final class ClusterDefaults {

	private ClusterDefaults() {
	}

	/**
	 * Return the default server properties for a cluster of the given size.
	 * @param brokers the number of brokers
	 * @return a new mutable map of server properties
	 */
	static Map<String, String> serverProperties(int brokers) {
		String replication = Integer.toString(Math.min(3, brokers));
		String minIsr = Integer.toString(Math.min(2, brokers));
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("broker.session.timeout.ms", "3000");
		properties.put("broker.heartbeat.interval.ms", "500");
		properties.put("offsets.topic.replication.factor", replication);
		properties.put("offsets.topic.num.partitions", "5");
		properties.put("transaction.state.log.replication.factor", replication);
		properties.put("transaction.state.log.min.isr", minIsr);
		// created on the first transactional producer's start: 50 partitions take long on
		// 2 cores
		properties.put("transaction.state.log.num.partitions", "5");
		properties.put("share.coordinator.state.topic.replication.factor", replication);
		properties.put("share.coordinator.state.topic.min.isr", minIsr);
		properties.put("default.replication.factor", replication);
		properties.put("min.insync.replicas", minIsr);
		properties.put("group.initial.rebalance.delay.ms", "0");
		properties.put("unclean.leader.election.enable", "false");
		properties.put("auto.create.topics.enable", "false");
		properties.put("num.partitions", "1");
		return properties;
	}

	static void checkBrokers(int brokers) {
		if (brokers < 1) {
			throw new IllegalArgumentException("brokers must be at least 1 but was " + brokers);
		}
	}

}
