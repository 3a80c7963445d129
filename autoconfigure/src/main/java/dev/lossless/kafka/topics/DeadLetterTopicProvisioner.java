package dev.lossless.kafka.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Creates, before any listener container starts, the missing dead-letter topic of each
 * topic the application's listeners consume: same partition count and replication factor
 * as its source, {@code min.insync.replicas} one less than the replication factor,
 * unclean leader election off, and no size limit and no time limit on retention (or the
 * configured one): dead letters wait for an operator.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class DeadLetterTopicProvisioner implements SmartLifecycle {

	/**
	 * The phase of the provisioner: before the startup audit, the web server and the
	 * listener containers.
	 */
	public static final int PHASE = DEFAULT_PHASE - 4098;

	private static final Log logger = LogFactory.getLog(DeadLetterTopicProvisioner.class);

	private final ApplicationTopics topics;

	private final TopicInspector inspector;

	private final String retentionMs;

	private volatile boolean running;

	/**
	 * Create an instance that creates dead-letter topics which keep their records until
	 * an operator removes them.
	 * @param topics the application's topics
	 * @param inspector the inspector that reads and creates topics
	 */
	public DeadLetterTopicProvisioner(ApplicationTopics topics, TopicInspector inspector) {
		this(topics, inspector, null);
	}

	/**
	 * Create an instance.
	 * @param topics the application's topics
	 * @param inspector the inspector that reads and creates topics
	 * @param retention the retention of the dead-letter topics it creates, {@code null}
	 * to keep their records until an operator removes them
	 * @since 0.2.0
	 */
	public DeadLetterTopicProvisioner(ApplicationTopics topics, TopicInspector inspector,
			@Nullable Duration retention) {
		this.topics = topics;
		this.inspector = inspector;
		this.retentionMs = (retention != null) ? Long.toString(retention.toMillis()) : "-1";
	}

	@Override
	public void start() {
		this.running = true;
		Set<String> sources = this.topics.listenerTopics();
		if (sources.isEmpty()) {
			return;
		}
		Set<String> names = new LinkedHashSet<>(sources);
		sources.forEach((source) -> names.add(this.topics.deadLetterTopicOf(source)));
		TopicsSnapshot snapshot = this.inspector.inspect(names);
		if (!snapshot.reachable()) {
			logger.warn("Dead-letter topics not checked: " + snapshot.error());
			return;
		}
		List<NewTopic> missing = new ArrayList<>();
		for (String source : sources) {
			TopicState state = snapshot.topics().get(source);
			TopicState deadLetter = snapshot.topics().get(this.topics.deadLetterTopicOf(source));
			if (state != null && state.exists() && deadLetter != null && !deadLetter.exists()) {
				missing.add(deadLetterTopicFor(state));
			}
		}
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

	private NewTopic deadLetterTopicFor(TopicState source) {
		short replicationFactor = (short) source.replicationFactor();
		return new NewTopic(this.topics.deadLetterTopicOf(source.name()), source.partitions(), replicationFactor)
			.configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
					Integer.toString(Math.max(1, replicationFactor - 1)),
					TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "false", TopicConfig.RETENTION_MS_CONFIG,
					this.retentionMs, TopicConfig.RETENTION_BYTES_CONFIG, "-1"));
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
