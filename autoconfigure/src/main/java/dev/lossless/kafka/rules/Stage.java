package dev.lossless.kafka.rules;

/**
 * The stage of a record's path at which a durability rule guards against loss.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public enum Stage {

	/**
	 * From {@code send()} to the broker's acknowledgement.
	 */
	PRODUCER,

	/**
	 * While the record is stored on the brokers.
	 */
	BROKER,

	/**
	 * From the broker to the committed offset after processing.
	 */
	CONSUMER

}
