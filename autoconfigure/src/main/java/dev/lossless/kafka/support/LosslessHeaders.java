package dev.lossless.kafka.support;

/**
 * The names of the record headers the starter writes, in one place, as spring-kafka's
 * {@code KafkaHeaders}. Every name starts with {@code lk-} or {@code lossless-} so that
 * it cannot be mistaken for an application's header, but for the sequence stamp's: it is
 * on every record, so its name is one byte, a character no known library or convention
 * uses as a header name (the risk is in {@code docs/detection.md}).
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class LosslessHeaders {

	/**
	 * The sequence stamp: the producer's id and the record's number within its topic
	 * partition (see {@code SequenceStamp}).
	 */
	public static final String SEQUENCE = "^";

	/**
	 * The sequence stamp as written up to 0.2.0 (a 64-bit producer id and a varint),
	 * still read for records stamped before an upgrade.
	 */
	public static final String LEGACY_SEQUENCE = "lk-seq";

	/**
	 * Marks a record sent again from the send journal: it keeps its original stamp, but
	 * arrives after records stamped later.
	 */
	public static final String REPLAYED = "lossless-replayed";

	/**
	 * The id of a message (a UUID for an outbox row, as a UTF-8 string), the same on
	 * every resend, so that a consumer deduplicates on it.
	 */
	public static final String MESSAGE_ID = "lossless-message-id";

	private LosslessHeaders() {
	}

}
