package dev.lossless.kafka.rules;

import java.time.Duration;

import dev.lossless.kafka.topics.TopicState.Setting;
import dev.lossless.kafka.topics.TopicState;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The catalogue's rules on topics, read from the brokers.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class TopicRules {

	private TopicRules() {
	}

	static Rule<TopicState> topicExistsRule(int minReplicationFactor) {
		return new Rule<>("topic.exists", Stage.BROKER, "topic", "exists",
				"A missing topic is created on first use with the broker's defaults (replication factor 1 unless "
						+ "configured) when auto-creation is on, or blocks every send and dead-letter publish when "
						+ "it is off.",
				"Create the topic before the application uses it, for example with a NewTopic bean: replication "
						+ "factor " + minReplicationFactor + " and min.insync.replicas "
						+ Math.max(1, minReplicationFactor - 1)
						+ " in production; on a test cluster with fewer brokers, as many replicas as it has "
						+ "brokers (or let the brokers create it, see lossless.kafka.test-cluster).",
				(topic) -> new Reading(topic.exists(), topic.exists() ? "exists" : "missing"));
	}

	static Rule<TopicState> topicReplicationFactorRule(int minReplicationFactor) {
		return new Rule<>("topic.replication-factor", Stage.BROKER, "replication.factor", ">= " + minReplicationFactor,
				"With fewer replicas, losing a disk or a broker loses the partition's records, or leaves no "
						+ "follower to take over with min.insync.replicas >= 2.",
				"Reassign the topic's partitions to " + minReplicationFactor + " replicas "
						+ "(kafka-reassign-partitions), or recreate it with a replication factor of "
						+ minReplicationFactor + ".",
				(topic) -> new Reading(topic.replicationFactor() >= minReplicationFactor,
						Integer.toString(topic.replicationFactor())));
	}

	static Rule<TopicState> topicMinInsyncReplicasRule() {
		return new Rule<>("topic.min-insync-replicas", Stage.BROKER, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
				">= 2 and <= replication factor - 1",
				"With min.insync.replicas=1 an acks=all write is acknowledged by the leader alone, so losing that "
						+ "leader loses it; equal to the replication factor, one broker down stops every write.",
				"kafka-configs --alter --entity-type topics --entity-name <topic> --add-config "
						+ "min.insync.replicas=<replication factor - 1>",
				(topic) -> {
					Setting config = topic.config(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
					if (config == null) {
						return new Reading(false, "unknown (not reported)");
					}
					int minIsr = Integer.parseInt(config.value());
					return new Reading(minIsr >= 2 && minIsr <= topic.replicationFactor() - 1, config.value());
				});
	}

	static Rule<TopicState> topicUncleanLeaderElection() {
		return new Rule<>("topic.unclean-leader-election", Stage.BROKER,
				TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "false",
				"An unclean election makes an out-of-sync replica the leader; every record it had not copied, "
						+ "acknowledged ones included, is truncated away.",
				"kafka-configs --alter --entity-type topics --entity-name <topic> --add-config "
						+ "unclean.leader.election.enable=false",
				(topic) -> {
					Setting config = topic.config(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG);
					if (config == null) {
						return new Reading(false, "unknown (not reported)");
					}
					return new Reading(!Boolean.parseBoolean(config.value()), config.value());
				});
	}

	static Rule<TopicState> topicEligibleLeaderReplicas() {
		return new Rule<>(DurabilityRules.TOPIC_ELIGIBLE_LEADER_REPLICAS, Stage.BROKER,
				TopicState.ELIGIBLE_LEADER_REPLICAS + " (cluster feature)", ">= 1",
				"Without eligible leader replicas (KIP-966), a partition whose in-sync replicas shrank to its "
						+ "leader elects that leader again after its unclean shutdown, without the records it had not "
						+ "flushed (Kafka does not fsync by default), and the followers truncate to it: acknowledged "
						+ "records are lost.",
				"kafka-features --bootstrap-server <brokers> upgrade --feature eligible.leader.replicas.version=1 "
						+ "(clusters formatted with Kafka 4.1 or later have it on); before 4.1 (brokers or "
						+ "metadata.version), upgrade them or accept the risk "
						+ "(lossless.kafka.accepted-risks=topic.eligible-leader-replicas).",
				(topic) -> {
					Setting feature = topic.config(TopicState.ELIGIBLE_LEADER_REPLICAS);
					if (feature == null || TopicState.UNSUPPORTED.equals(feature.value())) {
						return Reading.unknown("not available before Kafka 4.1 (brokers or metadata.version)");
					}
					if (feature.value().startsWith("unknown")) {
						return Reading.unknown(feature.value());
					}
					return new Reading(Short.parseShort(feature.value()) >= 1, feature.value());
				}, (topic) -> topic.config(TopicState.ELIGIBLE_LEADER_REPLICAS) != null);
	}

	static Rule<TopicState> topicDeadLetterRetention(String suffix, Duration minRetention) {
		return new Rule<>(DurabilityRules.TOPIC_DLT_RETENTION, Stage.BROKER, TopicConfig.RETENTION_MS_CONFIG,
				"retention.ms -1 or >= lossless.kafka.dlt.min-retention, retention.bytes -1",
				"A dead-letter topic is where failed records wait for an operator; the broker's default retention "
						+ "(7 days) or a size limit deletes them, unread and unredriven.",
				"kafka-configs --alter --entity-type topics --entity-name <topic> --add-config "
						+ "retention.ms=-1,retention.bytes=-1 (or a retention of at least " + minRetention.toDays()
						+ " days, lossless.kafka.dlt.min-retention)",
				(topic) -> {
					Setting ms = topic.config(TopicConfig.RETENTION_MS_CONFIG);
					Setting bytes = topic.config(TopicConfig.RETENTION_BYTES_CONFIG);
					if (ms == null || bytes == null) {
						return new Reading(false, "unknown (not reported)");
					}
					long retentionMs = Long.parseLong(ms.value());
					boolean longEnough = retentionMs < 0 || retentionMs >= minRetention.toMillis();
					return new Reading(longEnough && Long.parseLong(bytes.value()) < 0,
							"retention.ms=" + ms.value() + ", retention.bytes=" + bytes.value());
				}, (topic) -> topic.name().endsWith(suffix));
	}

}
