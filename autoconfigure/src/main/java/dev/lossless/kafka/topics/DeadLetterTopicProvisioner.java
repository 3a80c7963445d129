package dev.lossless.kafka.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.jspecify.annotations.Nullable;

/**
 * Creates the missing dead-letter topic of each topic the application's listeners
 * consume: same partition count and replication factor as its source ({@code min(3,
 * brokers)} on a test cluster), {@code min.insync.replicas} one less than the replication
 * factor, unclean leader election off, and no size limit and no time limit on retention
 * (or the configured one): dead letters wait for an operator. The startup enforcer asks
 * for the {@link #plan(TopicsSnapshot, boolean) plan} first, audits the topics as they
 * will be, and {@link #create(List) creates} them only when startup goes on, so that the
 * starter never creates a topic it then refuses.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class DeadLetterTopicProvisioner {

	private static final Log logger = LogFactory.getLog(DeadLetterTopicProvisioner.class);

	private final ApplicationTopics topics;

	private final TopicInspector inspector;

	private final int minReplicationFactor;

	private final String retentionMs;

	/**
	 * Create an instance.
	 * @param topics the application's topics
	 * @param inspector the inspector that reads and creates topics
	 * @param minReplicationFactor the replication factor of the dead-letter topics
	 * created on a test cluster, at most its number of brokers
	 * @param retention the retention of the dead-letter topics it creates, {@code null}
	 * to keep their records until an operator removes them
	 * @since 0.2.0
	 */
	public DeadLetterTopicProvisioner(ApplicationTopics topics, TopicInspector inspector, int minReplicationFactor,
			@Nullable Duration retention) {
		this.topics = topics;
		this.inspector = inspector;
		this.minReplicationFactor = minReplicationFactor;
		this.retentionMs = (retention != null) ? Long.toString(retention.toMillis()) : "-1";
	}

	/**
	 * Return the dead-letter topics to create: those missing while their source exists.
	 * @param snapshot the state of the application's topics, dead-letter topics included
	 * @param testCluster whether the brokers are a test cluster
	 * @return the topics to create, empty when the brokers did not answer
	 * @since 0.2.0
	 */
	public List<NewTopic> plan(TopicsSnapshot snapshot, boolean testCluster) {
		if (!snapshot.reachable()) {
			return List.of();
		}
		List<NewTopic> missing = new ArrayList<>();
		for (String source : this.topics.listenerTopics()) {
			TopicState state = snapshot.topics().get(source);
			TopicState deadLetter = snapshot.topics().get(this.topics.deadLetterTopicOf(source));
			if (state != null && state.exists() && deadLetter != null && !deadLetter.exists()) {
				missing.add(deadLetterTopicFor(state, testCluster ? replicationFactorOn(snapshot) : null));
			}
		}
		return missing;
	}

	/**
	 * Create the given dead-letter topics and wait, within the inspector's timeout, until
	 * the brokers report them.
	 * @param missing the topics, from {@link #plan(TopicsSnapshot, boolean)}
	 * @since 0.2.0
	 */
	public void create(List<NewTopic> missing) {
		if (missing.isEmpty()) {
			return;
		}
		Map<String, String> errors = this.inspector.create(missing);
		List<String> created = new ArrayList<>();
		for (NewTopic topic : missing) {
			String error = errors.get(topic.name());
			if (error == null) {
				created.add(topic.name());
				logger.info("Created dead-letter topic " + topic);
			}
			else {
				logger.error("Could not create dead-letter topic '" + topic.name() + "': " + error);
			}
		}
		if (!created.isEmpty() && !this.inspector.awaitExisting(created)) {
			logger.warn("Dead-letter topics " + created + " were created but are not visible yet");
		}
	}

	private short replicationFactorOn(TopicsSnapshot snapshot) {
		return (short) Math.max(1, Math.min(this.minReplicationFactor, snapshot.brokers()));
	}

	private NewTopic deadLetterTopicFor(TopicState source, @Nullable Short testClusterReplicationFactor) {
		short replicationFactor = (testClusterReplicationFactor != null) ? testClusterReplicationFactor
				: (short) source.replicationFactor();
		return new NewTopic(this.topics.deadLetterTopicOf(source.name()), source.partitions(), replicationFactor)
			.configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
					Integer.toString(Math.max(1, replicationFactor - 1)),
					TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "false", TopicConfig.RETENTION_MS_CONFIG,
					this.retentionMs, TopicConfig.RETENTION_BYTES_CONFIG, "-1"));
	}

}
