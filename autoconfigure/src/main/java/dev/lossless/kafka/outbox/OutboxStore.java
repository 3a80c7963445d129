package dev.lossless.kafka.outbox;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

import javax.sql.DataSource;

import dev.lossless.kafka.jdbc.TableNames;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * The SQL of the outbox: the outbox table ({@code
 *
<table>
 * }) with one row per message, and the lane table ({@code
 *
<table>
 * _lane}) with one row per lane, which relays lock to take a lane's rows. Plain SQL that
 * PostgreSQL and H2 2.x both accept ({@code FETCH FIRST},
 * {@code FOR UPDATE SKIP LOCKED}).
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class OutboxStore {

	/**
	 * The name of the outbox table in the schema scripts.
	 */
	public static final String DEFAULT_TABLE_NAME = "lossless_outbox";

	private static final int MAX_ERROR_LENGTH = 1000;

	private static final int MARK_CHUNK = 500;

	private static final String COLUMNS = "id, message_id, lane, topic, kafka_partition, record_timestamp, "
			+ "record_key, record_value, headers, created_at, attempts";

	private final String table;

	private final String laneTable;

	private final DataSource dataSource;

	private final JdbcTemplate jdbc;

	private volatile @Nullable OutboxTableMissingException missing;

	private final JdbcTemplate monitoringJdbc;

	private final TransactionTemplate transactions;

	/**
	 * Create an instance.
	 * @param dataSource the application's data source
	 * @param tableName the name of the outbox table, optionally with a schema; the lane
	 * table is named after it with {@code _lane}
	 * @param monitoringTimeout bound on the queries of the health and the metrics
	 */
	public OutboxStore(DataSource dataSource, String tableName, Duration monitoringTimeout) {
		Assert.notNull(dataSource, "'dataSource' cannot be null");
		checkTableName(tableName);
		this.table = tableName;
		this.laneTable = tableName + "_lane";
		this.dataSource = dataSource;
		this.jdbc = new JdbcTemplate(dataSource);
		this.monitoringJdbc = new JdbcTemplate(dataSource);
		this.monitoringJdbc.setQueryTimeout((int) Math.max(1, monitoringTimeout.toSeconds()));
		DataSourceTransactionManager transactionManager = new DataSourceTransactionManager(dataSource);
		this.transactions = new TransactionTemplate(transactionManager);
		this.transactions.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
		this.transactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	/**
	 * Check that a table name is a plain SQL name, optionally qualified by its schema: it
	 * goes into SQL text.
	 * @param tableName the name
	 * @throws IllegalArgumentException if it is not
	 */
	static void checkTableName(@Nullable String tableName) {
		TableNames.check(tableName);
	}

	/**
	 * Return the name of the outbox table.
	 * @return the name
	 */
	public String tableName() {
		return this.table;
	}

	/**
	 * Check that both tables can be read, and create the missing lane rows.
	 * @param lanes the number of lanes
	 * @return whether the tables can be read: when they cannot, the outbox is inactive
	 * (the relay does not run, and {@link #insert} fails with an
	 * {@link OutboxTableMissingException})
	 * @throws IllegalStateException if the lane table holds another number of lanes
	 */
	public boolean prepare(int lanes) {
		try {
			this.jdbc.query("SELECT id, message_id, lane, topic, kafka_partition, record_timestamp, record_key, "
					+ "record_value, headers, created_at, sent_at, attempts, last_error FROM " + this.table
					+ " WHERE 1 = 0", (ResultSet rs) -> null);
			this.jdbc.query("SELECT lane FROM " + this.laneTable + " WHERE 1 = 0", (ResultSet rs) -> null);
		}
		catch (DataAccessException ex) {
			this.missing = new OutboxTableMissingException(this.table, ex);
			return false;
		}
		this.missing = null;
		List<Integer> existing = this.jdbc.queryForList("SELECT lane FROM " + this.laneTable, Integer.class);
		if (!existing.isEmpty() && (existing.size() != lanes || existing.stream().anyMatch((lane) -> lane >= lanes))) {
			throw new IllegalStateException("The outbox lane table '" + this.laneTable + "' holds " + existing.size()
					+ " lanes, but lossless.kafka.outbox.lanes is " + lanes + ". Every instance must use the same "
					+ "number, or one key is published from two lanes at once, out of order. To change it, stop every "
					+ "instance, let the outbox drain (no pending rows), delete the lane rows, and start with the new "
					+ "number everywhere.");
		}
		for (int lane = 0; lane < lanes; lane++) {
			if (!existing.contains(lane)) {
				try {
					this.jdbc.update("INSERT INTO " + this.laneTable + " (lane) VALUES (?)", lane);
				}
				catch (DuplicateKeyException ex) {
					// another instance was first
				}
			}
		}
		return true;
	}

	/**
	 * Return why the outbox is inactive.
	 * @return the failure to read its tables at startup, or {@code null} when they could
	 * be read
	 */
	public @Nullable OutboxTableMissingException missingTables() {
		return this.missing;
	}

	/**
	 * Insert a row in the current transaction of the calling thread.
	 * @param messageId the message id
	 * @param lane the lane
	 * @param topic the topic
	 * @param partition the partition or {@code null}
	 * @param timestamp the timestamp or {@code null}
	 * @param key the serialized key
	 * @param value the serialized value
	 * @param headers the encoded headers
	 * @throws IllegalTransactionStateException if the connection is not in a transaction
	 */
	void insert(String messageId, int lane, String topic, @Nullable Integer partition, @Nullable Long timestamp,
			byte @Nullable [] key, byte @Nullable [] value, byte @Nullable [] headers) {
		if (!TransactionSynchronizationManager.isActualTransactionActive()
				|| !TransactionSynchronizationManager.hasResource(this.dataSource)) {
			throw new IllegalTransactionStateException("No transaction of the outbox's DataSource is active: a "
					+ "transaction of another resource (Kafka's, another database's) does not cover the outbox "
					+ "table, so the message would be written whether the business change commits or not. Call "
					+ "OutboxPublisher.publish inside a transaction of the DataSource the business change uses.");
		}
		OutboxTableMissingException missing = this.missing;
		if (missing != null) {
			throw new OutboxTableMissingException(this.table, missing.getCause());
		}
		this.jdbc.execute((ConnectionCallback<Void>) (connection) -> {
			if (connection.getAutoCommit()) {
				throw new IllegalTransactionStateException("The connection to the outbox table '" + this.table
						+ "' is in auto-commit mode: the current transaction is not one of this DataSource, so the "
						+ "message would be written whether the business change commits or not");
			}
			try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + this.table
					+ " (message_id, lane, topic, kafka_partition, record_timestamp, record_key, record_value, "
					+ "headers, created_at, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)")) {
				insert.setString(1, messageId);
				insert.setInt(2, lane);
				insert.setString(3, topic);
				setNullable(insert, 4, partition, Types.INTEGER);
				setNullable(insert, 5, timestamp, Types.BIGINT);
				insert.setBytes(6, key);
				insert.setBytes(7, value);
				insert.setBytes(8, headers);
				insert.setObject(9, OffsetDateTime.now(ZoneOffset.UTC));
				insert.executeUpdate();
			}
			return null;
		});
	}

	private static void setNullable(PreparedStatement statement, int index, @Nullable Object value, int type)
			throws SQLException {
		if (value != null) {
			statement.setObject(index, value, type);
		}
		else {
			statement.setNull(index, type);
		}
	}

	/**
	 * Run a unit of work in a new transaction of its own.
	 * @param <T> the result type
	 * @param work the work
	 * @return its result
	 */
	<T> @Nullable T inTransaction(Supplier<@Nullable T> work) {
		return this.transactions.execute((status) -> work.get());
	}

	/**
	 * Return the lanes of the lane table.
	 * @return the lanes, in order
	 */
	List<Integer> lanes() {
		return this.jdbc.queryForList("SELECT lane FROM " + this.laneTable + " ORDER BY lane", Integer.class);
	}

	/**
	 * Lock some lanes until the end of the current transaction, skipping those another
	 * relay holds. The lanes are named rather than limited with {@code FETCH FIRST}: H2
	 * locks every row it reads, including those past the limit.
	 * @param candidates the lanes to lock
	 * @return the locked lanes
	 */
	List<Integer> lockLanes(List<Integer> candidates) {
		if (candidates.isEmpty()) {
			return Collections.emptyList();
		}
		return this.jdbc.queryForList("SELECT lane FROM " + this.laneTable + " WHERE lane IN ("
				+ placeholders(candidates.size()) + ") ORDER BY lane FOR UPDATE SKIP LOCKED", Integer.class,
				candidates.toArray());
	}

	private static String placeholders(int count) {
		return String.join(", ", Collections.nCopies(count, "?"));
	}

	/**
	 * Return the oldest pending rows of some lanes, in id order.
	 * @param lanes the lanes
	 * @param limit the most rows
	 * @return the rows
	 */
	List<OutboxRow> pending(List<Integer> lanes, int limit) {
		if (lanes.isEmpty()) {
			return Collections.emptyList();
		}
		String in = String.join(", ", Collections.nCopies(lanes.size(), "?"));
		return this.jdbc.query("SELECT " + COLUMNS + " FROM " + this.table + " WHERE sent_at IS NULL AND lane IN (" + in
				+ ") ORDER BY id FETCH FIRST " + limit + " ROWS ONLY", ROW_MAPPER, lanes.toArray());
	}

	/**
	 * Mark rows sent.
	 * @param ids the ids of the rows
	 */
	void markSent(List<Long> ids) {
		OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
		for (int from = 0; from < ids.size(); from += MARK_CHUNK) {
			List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + MARK_CHUNK));
			List<Object> arguments = new ArrayList<>(chunk.size() + 1);
			arguments.add(now);
			arguments.addAll(chunk);
			this.jdbc.update(
					"UPDATE " + this.table + " SET sent_at = ? WHERE id IN (" + placeholders(chunk.size()) + ")",
					arguments.toArray());
		}
	}

	/**
	 * Count a failed send of a row and keep its error.
	 * @param id the id of the row
	 * @param error the error
	 */
	void recordFailure(long id, String error) {
		String kept = (error.length() > MAX_ERROR_LENGTH) ? error.substring(0, MAX_ERROR_LENGTH) : error;
		this.jdbc.update("UPDATE " + this.table + " SET attempts = attempts + 1, last_error = ? WHERE id = ?", kept,
				id);
	}

	/**
	 * Delete rows sent before a time.
	 * @param before the time
	 * @param limit the most rows to delete in one statement
	 * @return the number of rows deleted
	 */
	int deleteSentBefore(Instant before, int limit) {
		return this.jdbc.update("DELETE FROM " + this.table + " WHERE id IN (SELECT id FROM " + this.table
				+ " WHERE sent_at < ? FETCH FIRST " + limit + " ROWS ONLY)", before.atOffset(ZoneOffset.UTC));
	}

	/**
	 * Return the pending rows, counted up to a bound, and the age of the oldest.
	 * @param countLimit the most rows to count
	 * @return the backlog
	 */
	Backlog backlog(int countLimit) {
		Long count = this.monitoringJdbc.queryForObject("SELECT COUNT(*) FROM (SELECT id FROM " + this.table
				+ " WHERE sent_at IS NULL FETCH FIRST " + countLimit + " ROWS ONLY) pending", Long.class);
		Long failing = this.monitoringJdbc.queryForObject(
				"SELECT COUNT(*) FROM (SELECT id FROM " + this.table
						+ " WHERE sent_at IS NULL AND attempts > 0 FETCH FIRST " + countLimit + " ROWS ONLY) failing",
				Long.class);
		List<OffsetDateTime> oldest = this.monitoringJdbc.query(
				"SELECT created_at FROM " + this.table + " WHERE sent_at IS NULL ORDER BY id FETCH FIRST 1 ROWS ONLY",
				(rs, rowNum) -> rs.getObject(1, OffsetDateTime.class));
		return new Backlog((count != null) ? count : 0, (failing != null) ? failing : 0,
				oldest.isEmpty() ? null : oldest.get(0).toInstant());
	}

	private static final RowMapper<OutboxRow> ROW_MAPPER = (rs, rowNum) -> {
		int partition = rs.getInt("kafka_partition");
		Integer partitionOrNull = rs.wasNull() ? null : partition;
		long timestamp = rs.getLong("record_timestamp");
		Long timestampOrNull = rs.wasNull() ? null : timestamp;
		return new OutboxRow(rs.getLong("id"), rs.getString("message_id"), rs.getInt("lane"), rs.getString("topic"),
				partitionOrNull, timestampOrNull, rs.getBytes("record_key"), rs.getBytes("record_value"),
				rs.getBytes("headers"), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
				rs.getInt("attempts"));
	};

	/**
	 * The pending rows.
	 *
	 * @param pending the number of pending rows, at most the count limit
	 * @param failing the number of pending rows whose send failed before, at most the
	 * count limit
	 * @param oldestCreatedAt when the oldest pending row was written, or {@code null}
	 */
	record Backlog(long pending, long failing, @Nullable Instant oldestCreatedAt) {

	}

}
