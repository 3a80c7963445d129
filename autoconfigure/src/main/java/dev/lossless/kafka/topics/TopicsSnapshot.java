package dev.lossless.kafka.topics;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;

import org.jspecify.annotations.Nullable;

/**
 * The state of a set of topics at one moment, or the reason it could not be read.
 *
 * @param topics the state of each topic that could be read, by name
 * @param error why the brokers could not be asked, or {@code null} when they answered
 * @param brokers the number of brokers in the cluster, 0 when unknown
 * @param autoCreatesTopics whether the brokers create a missing topic on first use
 * ({@code auto.create.topics.enable})
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public record TopicsSnapshot(Map<String, TopicState> topics, @Nullable String error, int brokers,
		boolean autoCreatesTopics) {

	/**
	 * Create a snapshot that knows nothing of the brokers themselves.
	 * @param topics the state of each topic that could be read, by name
	 * @param error why the brokers could not be asked, or {@code null} when they answered
	 */
	public TopicsSnapshot(Map<String, TopicState> topics, @Nullable String error) {
		this(topics, error, 0, false);
	}

	/**
	 * Return a snapshot for brokers that could not be asked.
	 * @param error the reason
	 * @return the snapshot
	 */
	public static TopicsSnapshot unreachable(String error) {
		return new TopicsSnapshot(Map.of(), error);
	}

	/**
	 * Return whether the brokers answered.
	 * @return whether the brokers answered
	 */
	public boolean reachable() {
		return this.error == null;
	}

	/**
	 * Return this snapshot with the given topics as they will be once created.
	 * @param created the topics about to be created
	 * @return the snapshot
	 * @since 0.2.0
	 */
	public TopicsSnapshot withCreated(Collection<NewTopic> created) {
		Map<String, TopicState> topics = new LinkedHashMap<>(this.topics);
		created.forEach((topic) -> topics.put(topic.name(), TopicState.toBeCreated(topic)));
		return new TopicsSnapshot(topics, this.error, this.brokers, this.autoCreatesTopics);
	}

}
