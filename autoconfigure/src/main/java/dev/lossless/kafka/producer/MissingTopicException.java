package dev.lossless.kafka.producer;

import org.jspecify.annotations.Nullable;

/**
 * Reported instead of the failure of a send to a topic, or a partition, that the brokers
 * confirm does not exist: a configuration error, not an outage, so the record is not
 * saved in the send journal. The cause is the client's own failure (a
 * {@code TimeoutException} "Topic ... not present in metadata after ... ms"), the first
 * Kafka exception of the cause chain.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public class MissingTopicException extends RuntimeException {

	private final String topic;

	private final @Nullable Integer partition;

	/**
	 * Create an instance.
	 * @param topic the topic
	 * @param partition the partition, or {@code null} when none was chosen
	 * @param cause the failure of the send
	 */
	public MissingTopicException(String topic, @Nullable Integer partition, Throwable cause) {
		super("Send to topic '" + topic + "'" + ((partition != null) ? " partition " + partition : "")
				+ " failed: the brokers confirm that the " + ((partition != null) ? "topic or partition" : "topic")
				+ " does not exist, so the record is not journaled and not written; create the topic or correct its "
				+ "name (" + cause + ")", cause);
		this.topic = topic;
		this.partition = partition;
	}

	/**
	 * Return the topic.
	 * @return the topic
	 */
	public String getTopic() {
		return this.topic;
	}

	/**
	 * Return the partition.
	 * @return the partition, or {@code null} when none was chosen
	 */
	public @Nullable Integer getPartition() {
		return this.partition;
	}

}
