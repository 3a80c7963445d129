package dev.lossless.kafka.idempotent;

import java.sql.Timestamp;
import java.time.Instant;

import javax.sql.DataSource;

import dev.lossless.kafka.jdbc.TableNames;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.jdbc.DatabaseDriver;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.util.Assert;

/**
 * A {@link ProcessedMessageStore} in a database table with the primary key
 * {@code (consumer_id, message_id)}. The mark is an insert through
 * {@link DataSourceUtils}, so it joins the transaction that the application's transaction
 * manager holds for the same {@link DataSource}: the mark and the listener's own writes
 * commit or roll back together. On PostgreSQL the insert is
 * {@code INSERT ... ON CONFLICT DO NOTHING} (a failed statement would abort the whole
 * transaction); elsewhere an insert whose duplicate key is reported as such. When two
 * transactions mark the same message at once, the database's key check makes the second
 * wait for the first and then see the mark (or fail, and be retried by the error
 * handler).
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class JdbcProcessedMessageStore implements ProcessedMessageStore {

	/**
	 * The default name of the table.
	 */
	public static final String DEFAULT_TABLE_NAME = "lossless_processed_message";

	private final DataSource dataSource;

	private final JdbcClient jdbc;

	private final String tableName;

	private volatile @Nullable String insert;

	/**
	 * Create an instance.
	 * @param dataSource the data source of the table
	 * @param tableName the name of the table, optionally qualified by its schema
	 */
	public JdbcProcessedMessageStore(DataSource dataSource, String tableName) {
		Assert.notNull(dataSource, "'dataSource' cannot be null");
		this.dataSource = dataSource;
		this.jdbc = JdbcClient.create(dataSource);
		this.tableName = TableNames.check(tableName);
	}

	/**
	 * Return the data source of the table.
	 * @return the data source
	 */
	@Override
	public DataSource getTransactionResource() {
		return this.dataSource;
	}

	@Override
	public boolean markProcessed(String consumer, String messageId) {
		Assert.hasText(consumer, "'consumer' must not be empty");
		Assert.hasText(messageId, "'messageId' must not be empty");
		try {
			return this.jdbc.sql(insert()).params(consumer, messageId, Timestamp.from(Instant.now())).update() == 1;
		}
		catch (DuplicateKeyException ex) {
			return false;
		}
		catch (BadSqlGrammarException ex) {
			throw new IllegalStateException("Cannot record processed message ids in table '" + this.tableName
					+ "': does it exist? Create it with the script for your database, "
					+ "classpath:dev/lossless/kafka/idempotent/schema-<platform>.sql, or let the starter do it "
					+ "with lossless.kafka.idempotent.initialize-schema=always", ex);
		}
	}

	@Override
	public int removeProcessedBefore(Instant processedBefore) {
		return this.jdbc.sql("DELETE FROM " + this.tableName + " WHERE processed_at < ?")
			.param(Timestamp.from(processedBefore))
			.update();
	}

	private String insert() {
		String insert = this.insert;
		if (insert == null) {
			String columns = "INSERT INTO " + this.tableName
					+ " (consumer_id, message_id, processed_at) VALUES (?, ?, ?)";
			insert = (databaseDriver() == DatabaseDriver.POSTGRESQL) ? columns + " ON CONFLICT DO NOTHING" : columns;
			this.insert = insert;
		}
		return insert;
	}

	private DatabaseDriver databaseDriver() {
		try {
			String product = JdbcUtils.extractDatabaseMetaData(this.dataSource,
					(metaData) -> metaData.getDatabaseProductName());
			return DatabaseDriver.fromProductName(product);
		}
		catch (MetaDataAccessException ex) {
			return DatabaseDriver.UNKNOWN;
		}
	}

}
