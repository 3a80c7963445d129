package dev.lossless.kafka.outbox;

/**
 * Thrown at startup when the outbox table or its lane table cannot be read.
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
		super("The outbox table '" + tableName + "' (or its lane table '" + tableName + "_lane') cannot be read: "
				+ cause.getMessage(), cause);
		this.tableName = tableName;
	}

	/**
	 * Return the name of the outbox table.
	 * @return the name
	 */
	public String getTableName() {
		return this.tableName;
	}

}
