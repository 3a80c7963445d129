package dev.lossless.kafka.outbox;

/**
 * Thrown by {@link OutboxPublisher#publish} when the outbox table or its lane table
 * cannot be read: the message is not written, and the caller's transaction fails with it.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public class OutboxTableMissingException extends IllegalStateException {

	private final String tableName;

	/**
	 * Create an instance.
	 * @param tableName the name of the outbox table
	 * @param cause the failure of the query
	 */
	public OutboxTableMissingException(String tableName, Throwable cause) {
		super(describe(tableName) + ": " + cause.getMessage(), cause);
		this.tableName = tableName;
	}

	/**
	 * Describe the missing tables and how to create them.
	 * @param tableName the name of the outbox table
	 * @return the description
	 */
	static String describe(String tableName) {
		return "The outbox tables '" + tableName + "' and '" + tableName + "_lane' cannot be read. Create them with "
				+ "the starter's script for your database (classpath:dev/lossless/kafka/outbox/schema-postgresql.sql "
				+ "or schema-h2.sql, with '" + tableName
				+ "' in place of 'lossless_outbox'), or let the starter create "
				+ "them at startup with lossless.kafka.outbox.initialize-schema=always (it does so for embedded "
				+ "databases by default); lossless.kafka.outbox.enabled=false turns the outbox off";
	}

	/**
	 * Return the name of the outbox table.
	 * @return the name
	 */
	public String getTableName() {
		return this.tableName;
	}

}
