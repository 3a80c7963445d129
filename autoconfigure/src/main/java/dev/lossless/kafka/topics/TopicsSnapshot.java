package dev.lossless.kafka.topics;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The state of a set of topics at one moment, or the reason it could not be read.
 *
 * @param topics the state of each topic that could be read, by name
 * @param error why the brokers could not be asked, or {@code null} when they answered
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public record TopicsSnapshot(Map<String, TopicState> topics, @Nullable String error) {

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

}
