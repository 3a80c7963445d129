package dev.lossless.kafka.producer;

import org.apache.kafka.common.errors.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Tells a topic that does not exist from a cluster that does not answer. With topic
 * auto-creation off, the Kafka client reports both the same way: a
 * {@link TimeoutException} "Topic ... not present in metadata after ... ms". Only an
 * answer of the brokers (for example through the Admin client) can confirm that a topic,
 * or a partition, is missing.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
@FunctionalInterface
public interface TopicExistence {

	/**
	 * Never confirms anything: every metadata timeout is taken for an outage.
	 */
	TopicExistence UNKNOWN = (topic, partition) -> false;

	/**
	 * Return whether the brokers confirmed that the topic, or the partition of it, does
	 * not exist. Blocks for a bounded time; {@code false} when the brokers did not
	 * answer.
	 * @param topic the topic
	 * @param partition the partition, or {@code null} for any
	 * @return {@code true} only if the brokers answered and the topic or partition is
	 * missing
	 */
	boolean confirmedMissing(String topic, @Nullable Integer partition);

	/**
	 * Return whether a send failed because the metadata of its topic or partition did not
	 * arrive in time: a missing topic or an unreachable cluster.
	 * @param exception the failure of a send
	 * @return whether it is a metadata timeout
	 */
	static boolean isMetadataTimeout(@Nullable Throwable exception) {
		return exception instanceof TimeoutException && exception.getMessage() != null
				&& exception.getMessage().contains("not present in metadata");
	}

}
