package dev.lossless.kafka.rules;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.lossless.kafka.topics.ShareGroupState;
import dev.lossless.kafka.topics.TopicState;

import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * The catalogue of durability rules: every rule the starter enforces is listed here once
 * (defined, per stage, in {@link ProducerRules}, {@link ConsumerRules},
 * {@link ListenerRules}, {@link TopicRules} and {@link ShareRules}), and startup
 * enforcement, the {@code kafkareliability} endpoint, the health and the README's rule
 * table all read it.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class DurabilityRules {

	/**
	 * The id of the rule on a dead-letter topic's retention.
	 */
	public static final String TOPIC_DLT_RETENTION = "topic.dlt-retention";

	/**
	 * The id of the rule on the cluster's eligible leader replicas.
	 * @since 0.2.0
	 */
	public static final String TOPIC_ELIGIBLE_LEADER_REPLICAS = "topic.eligible-leader-replicas";

	private static final String DEFAULT_DEAD_LETTER_SUFFIX = "-dlt";

	private static final Duration DEFAULT_MIN_DEAD_LETTER_RETENTION = Duration.ofDays(30);

	private final List<Rule<ClientSettings>> producerRules;

	private final List<Rule<ClientSettings>> consumerRules;

	private final List<Rule<MessageListenerContainer>> listenerRules;

	private final Rule<TopicState> topicExists;

	private final List<Rule<TopicState>> topicRules;

	private final int minReplicationFactor;

	private final Rule<TopicState> topicReplicationFactor;

	private final Rule<TopicState> topicMinInsyncReplicas;

	private final List<Rule<MessageListenerContainer>> shareListenerRules;

	private final List<Rule<ClientSettings>> shareConsumerRules;

	private final List<Rule<ShareGroupState>> shareGroupRules;

	/**
	 * Create the catalogue for an application without exactly-once processing.
	 * @param minReplicationFactor the lowest replication factor a topic may have
	 */
	public DurabilityRules(int minReplicationFactor) {
		this(minReplicationFactor, false);
	}

	/**
	 * Create the catalogue.
	 * @param minReplicationFactor the lowest replication factor a topic may have
	 * @param exactlyOnce whether the application asked for exactly-once processing, which
	 * every listener container must then provide
	 */
	public DurabilityRules(int minReplicationFactor, boolean exactlyOnce) {
		this(minReplicationFactor, exactlyOnce, DEFAULT_DEAD_LETTER_SUFFIX, DEFAULT_MIN_DEAD_LETTER_RETENTION);
	}

	/**
	 * Create the catalogue.
	 * @param minReplicationFactor the lowest replication factor a topic may have
	 * @param exactlyOnce whether the application asked for exactly-once processing, which
	 * every listener container must then provide
	 * @param deadLetterSuffix the suffix that names dead-letter topics
	 * @param minDeadLetterRetention the shortest retention a dead-letter topic may have
	 * @since 0.2.0
	 */
	public DurabilityRules(int minReplicationFactor, boolean exactlyOnce, String deadLetterSuffix,
			Duration minDeadLetterRetention) {
		this.producerRules = ProducerRules.rules();
		this.consumerRules = ConsumerRules.rules();
		this.listenerRules = ListenerRules.rules(exactlyOnce);
		this.topicExists = TopicRules.topicExistsRule(minReplicationFactor);
		this.minReplicationFactor = minReplicationFactor;
		this.topicReplicationFactor = TopicRules.topicReplicationFactorRule(minReplicationFactor);
		this.topicMinInsyncReplicas = TopicRules.topicMinInsyncReplicasRule();
		this.topicRules = List.of(this.topicExists, this.topicReplicationFactor, this.topicMinInsyncReplicas,
				TopicRules.topicUncleanLeaderElection(), TopicRules.topicEligibleLeaderReplicas(),
				TopicRules.topicDeadLetterRetention(deadLetterSuffix, minDeadLetterRetention));
		this.shareListenerRules = List.of(ShareRules.shareAckMode());
		this.shareConsumerRules = List.of(ShareRules.shareDeserializers());
		this.shareGroupRules = List.of(ShareRules.shareAutoOffsetReset(), ShareRules.shareIsolationLevel());
	}

	/**
	 * Return the lowest replication factor a topic may have.
	 * @return the replication factor
	 * @since 0.2.0
	 */
	public int minReplicationFactor() {
		return this.minReplicationFactor;
	}

	/**
	 * Return the rule on a topic's replication factor.
	 * @return the rule
	 * @since 0.2.0
	 */
	public Rule<TopicState> topicReplicationFactor() {
		return this.topicReplicationFactor;
	}

	/**
	 * Return the rule on a topic's {@code min.insync.replicas}.
	 * @return the rule
	 * @since 0.2.0
	 */
	public Rule<TopicState> topicMinInsyncReplicas() {
		return this.topicMinInsyncReplicas;
	}

	public List<Rule<ClientSettings>> producerRules() {
		return this.producerRules;
	}

	public List<Rule<ClientSettings>> consumerRules() {
		return this.consumerRules;
	}

	public List<Rule<MessageListenerContainer>> listenerRules() {
		return this.listenerRules;
	}

	public List<Rule<TopicState>> topicRules() {
		return this.topicRules;
	}

	/**
	 * Return the rules for share listener containers (KIP-932).
	 * @return the share listener rules
	 * @since 0.2.0
	 */
	public List<Rule<MessageListenerContainer>> shareListenerRules() {
		return this.shareListenerRules;
	}

	/**
	 * Return the rules for share consumer factories (KIP-932).
	 * @return the share consumer rules
	 * @since 0.2.0
	 */
	public List<Rule<ClientSettings>> shareConsumerRules() {
		return this.shareConsumerRules;
	}

	/**
	 * Return the rules for the group configs of the application's share groups.
	 * @return the share group rules
	 * @since 0.2.0
	 */
	public List<Rule<ShareGroupState>> shareGroupRules() {
		return this.shareGroupRules;
	}

	/**
	 * Return the rule that a topic exists, the only topic rule that applies to a missing
	 * topic.
	 * @return the rule
	 */
	public Rule<TopicState> topicExists() {
		return this.topicExists;
	}

	/**
	 * Return every rule, in catalogue order.
	 * @return every rule
	 */
	public List<Rule<?>> all() {
		List<Rule<?>> all = new ArrayList<>();
		all.addAll(this.producerRules);
		all.addAll(this.consumerRules);
		all.addAll(this.listenerRules);
		all.addAll(this.topicRules);
		all.addAll(this.shareListenerRules);
		all.addAll(this.shareConsumerRules);
		all.addAll(this.shareGroupRules);
		return Collections.unmodifiableList(all);
	}

}
