package dev.lossless.kafka.producer;

import java.nio.file.Path;

import org.apache.kafka.common.KafkaException;

/**
 * Thrown by {@link SendJournal#append(JournalEntry)} when the entry would take the
 * journal past its size limit: the entry was not written, and the failure of its send
 * must reach the application.
 * <p>
 * A {@link KafkaException} because it is reported where a failed send is reported (the
 * send's callback or future), so code that already handles send failures handles it; it
 * is deliberately not a {@code RetriableException}: nothing retries it for the
 * application.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public class SendJournalFullException extends KafkaException {

	private final transient Path directory;

	private final long sizeBytes;

	private final long maxBytes;

	private final String topic;

	/**
	 * Create an instance.
	 * @param directory the journal's directory
	 * @param sizeBytes the bytes the journal's segments take
	 * @param maxBytes the journal's limit
	 * @param topic the topic of the record that was not journaled
	 * @param entryBytes the bytes the record would have taken
	 */
	public SendJournalFullException(Path directory, long sizeBytes, long maxBytes, String topic, long entryBytes) {
		super("Send journal " + directory + " is full: " + sizeBytes + " of " + maxBytes + " bytes used, a record of "
				+ entryBytes + " bytes for topic '" + topic + "' does not fit and was not journaled");
		this.directory = directory;
		this.sizeBytes = sizeBytes;
		this.maxBytes = maxBytes;
		this.topic = topic;
	}

	/**
	 * Return the journal's directory.
	 * @return the directory
	 */
	public Path getDirectory() {
		return this.directory;
	}

	/**
	 * Return the bytes the journal's segments took.
	 * @return the size in bytes
	 */
	public long getSizeBytes() {
		return this.sizeBytes;
	}

	/**
	 * Return the journal's limit.
	 * @return the limit in bytes
	 */
	public long getMaxBytes() {
		return this.maxBytes;
	}

	/**
	 * Return the topic of the record that was not journaled.
	 * @return the topic
	 */
	public String getTopic() {
		return this.topic;
	}

}
