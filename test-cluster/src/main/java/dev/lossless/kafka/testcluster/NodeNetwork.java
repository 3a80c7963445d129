package dev.lossless.kafka.testcluster;

import java.util.List;

/**
 * Where the nodes of a {@link KafkaProcessCluster} live on the network: the address each
 * node listens on and advertises, and the command that launches its process there (for
 * example {@code ip netns exec <namespace>}, to run each broker in a network namespace of
 * its own so that a test can cut its links).
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public interface NodeNetwork {

	/**
	 * Return the address a node listens on and advertises.
	 * @param nodeId the id of the node
	 * @return an IP address, for example {@code 10.42.7.11}
	 */
	String host(int nodeId);

	/**
	 * Return the command words put before {@code java} to launch the process of a node;
	 * they must exec the command so that the process id stays that of the JVM.
	 * @param nodeId the id of the node
	 * @return the command prefix, empty for none
	 */
	List<String> launcher(int nodeId);

}
