package dev.lossless.kafka.topics;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;

import org.jspecify.annotations.Nullable;

/**
 * What the brokers report about one topic.
 *
 * @param name the topic name
 * @param exists whether the topic exists
 * @param partitions the number of partitions, 0 when the topic does not exist
 * @param replicationFactor the smallest replica count of any partition, 0 when the topic
 * does not exist
 * @param configs the topic's effective configuration, by key, and the cluster features
 * the rules read (source {@value #CLUSTER_FEATURE})
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public record TopicState(String name, boolean exists, int partitions, int replicationFactor,
		Map<String, Setting> configs) {

	/**
	 * The source of the configuration entries of a topic the starter is about to create.
	 */
	public static final String TO_BE_CREATED = "TO_BE_CREATED_BY_LOSSLESS_KAFKA";

	/**
	 * The source of the entries that are not topic configuration but the cluster's
	 * finalized feature levels that bear on every topic, for example
	 * {@value #ELIGIBLE_LEADER_REPLICAS}.
	 * @since 0.2.0
	 */
	public static final String CLUSTER_FEATURE = "CLUSTER_FEATURE";

	/**
	 * The cluster feature that turns on eligible leader replicas (KIP-966): its finalized
	 * level, {@code 0} when it is off though the cluster could turn it on,
	 * {@value #UNSUPPORTED} when the brokers or the cluster's {@code metadata.version}
	 * predate Kafka 4.1 (a preview in 4.0), or {@code unknown (...)} when it could not be
	 * read.
	 * @since 0.2.0
	 */
	public static final String ELIGIBLE_LEADER_REPLICAS = "eligible.leader.replicas.version";

	/**
	 * The value of a cluster feature the brokers do not support.
	 * @since 0.2.0
	 */
	public static final String UNSUPPORTED = "unsupported";

	/**
	 * Return the state of a topic the brokers do not know.
	 * @param name the topic name
	 * @return the state
	 */
	public static TopicState missing(String name) {
		return new TopicState(name, false, 0, 0, Map.of());
	}

	/**
	 * Return the state a topic will have once the given creation request is done; its
	 * configuration entries have the source {@value #TO_BE_CREATED}.
	 * @param topic the creation request
	 * @return the state
	 * @since 0.2.0
	 */
	public static TopicState toBeCreated(NewTopic topic) {
		Map<String, Setting> configs = new HashMap<>();
		if (topic.configs() != null) {
			topic.configs().forEach((key, value) -> configs.put(key, new Setting(value, TO_BE_CREATED)));
		}
		return new TopicState(topic.name(), true, topic.numPartitions(), topic.replicationFactor(), configs);
	}

	/**
	 * Return one configuration entry of the topic.
	 * @param key the configuration key
	 * @return the entry or {@code null} when the brokers did not report it
	 */
	public @Nullable Setting config(String key) {
		return this.configs.get(key);
	}

	/**
	 * One effective topic configuration entry.
	 *
	 * @param value the value
	 * @param source where the value comes from, as the broker reports it (for example
	 * {@code DYNAMIC_TOPIC_CONFIG} or {@code DEFAULT_CONFIG})
	 */
	public record Setting(String value, String source) {

	}

}
