package dev.lossless.kafka.outbox;

import java.sql.Connection;
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
import dev.lossless.kafka.sequence.SequenceStamp;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DataSourceUtils;
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

	private static final Log logger = LogFactory.getLog(OutboxStore.class);

	private static final int MAX_ERROR_LENGTH = 1000;

	private static final int MARK_CHUNK = 500;

	private static final String COLUMNS = "id, message_id, lane, topic, kafka_partition, record_timestamp, "
			+ "record_key, record_value, headers, created_at, attempts";

	private static final String STAMP_COLUMNS = "stamp_partition, stamp_producer_id, stamp_sequence";

	private final String table;

	private final String laneTable;

	private final DataSource dataSource;

	private final JdbcClient jdbc;

	private volatile @Nullable OutboxTableMissingException missing;

	private volatile boolean keepsStamps;

	private volatile boolean laneIndex;

	private final JdbcClient monitoringJdbc;

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
		this.jdbc = JdbcClient.create(dataSource);
		JdbcTemplate monitoring = new JdbcTemplate(dataSource);
		monitoring.setQueryTimeout((int) Math.max(1, monitoringTimeout.toSeconds()));
		this.monitoringJdbc = JdbcClient.create(monitoring);
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
			this.jdbc
				.sql("SELECT id, message_id, lane, topic, kafka_partition, record_timestamp, record_key, "
						+ "record_value, headers, created_at, sent_at, attempts, last_error FROM " + this.table
						+ " WHERE 1 = 0")
				.query()
				.listOfRows();
			this.jdbc.sql("SELECT lane FROM " + this.laneTable + " WHERE 1 = 0").query().listOfRows();
		}
		catch (DataAccessException ex) {
			this.missing = new OutboxTableMissingException(this.table, ex);
			return false;
		}
		this.missing = null;
		this.keepsStamps = hasStampColumns();
		this.laneIndex = OutboxLaneIndex.exists(this.dataSource, this.table);
		if (!this.laneIndex) {
			// an index goes in its table's schema: PostgreSQL refuses a qualified name
			String index = TableNames.unqualified(this.table) + "_pending_by_lane";
			logger
				.warn("The outbox table '" + this.table + "' has no index on (lane, id) of its pending rows (added in "
						+ "0.2.0): each relay round reads past the pending rows of the lanes it does not hold, more of "
						+ "them as a large backlog drains. Add it: CREATE INDEX " + index + " ON " + this.table
						+ " (lane, id) WHERE sent_at IS NULL (H2: ON " + this.table + " (lane, sent_at, id))");
		}
		List<Integer> existing = this.jdbc.sql("SELECT lane FROM " + this.laneTable).query(Integer.class).list();
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
					this.jdbc.sql("INSERT INTO " + this.laneTable + " (lane) VALUES (?)").param(lane).update();
				}
				catch (DuplicateKeyException ex) {
					// another instance was first
				}
			}
		}
		return true;
	}

	private boolean hasStampColumns() {
		try {
			this.jdbc.sql("SELECT " + STAMP_COLUMNS + " FROM " + this.table + " WHERE 1 = 0").query().listOfRows();
			return true;
		}
		catch (DataAccessException ex) {
			logger.warn("The outbox table '" + this.table + "' has no columns " + STAMP_COLUMNS + " (added in 0.2.0): "
					+ "a row sent again after an ambiguous failure gets a new sequence stamp, which the consumers' "
					+ "sequence check may report as a gap. Add them: ALTER TABLE " + this.table
					+ " ADD COLUMN stamp_partition INTEGER, ADD COLUMN stamp_producer_id BIGINT, "
					+ "ADD COLUMN stamp_sequence BIGINT");
			return false;
		}
	}

	/**
	 * Return whether the pending rows are read lane by lane from the index on
	 * {@code (lane, id)}, found by {@link #prepare(int)}.
	 * @return whether the table has that index
	 */
	boolean readsByLane() {
		return this.laneIndex;
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
		if (autoCommit()) {
			throw new IllegalTransactionStateException("The connection to the outbox table '" + this.table
					+ "' is in auto-commit mode: the current transaction is not one of this DataSource, so the "
					+ "message would be written whether the business change commits or not");
		}
		this.jdbc
			.sql("INSERT INTO " + this.table + " (message_id, lane, topic, kafka_partition, record_timestamp, "
					+ "record_key, record_value, headers, created_at, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)")
			.params(messageId, lane, topic, new SqlParameterValue(Types.INTEGER, partition),
					new SqlParameterValue(Types.BIGINT, timestamp), new SqlParameterValue(Types.VARBINARY, key),
					new SqlParameterValue(Types.VARBINARY, value), new SqlParameterValue(Types.VARBINARY, headers),
					OffsetDateTime.now(ZoneOffset.UTC))
			.update();
	}

	private boolean autoCommit() {
		// the connection of the current transaction, the one the insert runs on
		Connection connection = DataSourceUtils.getConnection(this.dataSource);
		try {
			return connection.getAutoCommit();
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot read the auto-commit mode of the outbox's connection", ex);
		}
		finally {
			DataSourceUtils.releaseConnection(connection, this.dataSource);
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
		return this.jdbc.sql("SELECT lane FROM " + this.laneTable + " ORDER BY lane").query(Integer.class).list();
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
		return this.jdbc
			.sql("SELECT lane FROM " + this.laneTable + " WHERE lane IN (" + placeholders(candidates.size())
					+ ") ORDER BY lane FOR UPDATE SKIP LOCKED")
			.params(candidates)
			.query(Integer.class)
			.list();
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
		boolean stamps = this.keepsStamps;
		String columns = COLUMNS + (stamps ? ", " + STAMP_COLUMNS : "");
		String sql;
		if (this.laneIndex) {
			// the head of each lane from the index on (lane, id), merged in id order: a
			// round does not walk past the pending rows of the lanes it does not hold,
			// which pile up as its lanes get ahead of them
			StringBuilder eachLane = new StringBuilder();
			for (int i = 0; i < lanes.size(); i++) {
				eachLane.append((i > 0) ? " UNION ALL " : "")
					.append("(SELECT ")
					.append(columns)
					.append(" FROM ")
					.append(this.table)
					.append(" WHERE lane = ? AND sent_at IS NULL ORDER BY id FETCH FIRST ")
					.append(limit)
					.append(" ROWS ONLY)");
			}
			sql = "SELECT " + columns + " FROM (" + eachLane + ") pending ORDER BY id FETCH FIRST " + limit
					+ " ROWS ONLY";
		}
		else {
			sql = "SELECT " + columns + " FROM " + this.table + " WHERE sent_at IS NULL AND lane IN ("
					+ placeholders(lanes.size()) + ") ORDER BY id FETCH FIRST " + limit + " ROWS ONLY";
		}
		return this.jdbc.sql(sql).params(lanes).query((rs, rowNum) -> row(rs, stamps)).list();
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
			this.jdbc.sql("UPDATE " + this.table + " SET sent_at = ? WHERE id IN (" + placeholders(chunk.size()) + ")")
				.params(arguments)
				.update();
		}
	}

	/**
	 * Count a failed send of a row and keep its error.
	 * @param id the id of the row
	 * @param error the error
	 */
	void recordFailure(long id, String error) {
		recordFailure(id, error, null, null);
	}

	/**
	 * Count a failed send of a row, keep its error and, when the table has the columns
	 * for it, the stamp its send was given, for the next attempts.
	 * @param id the id of the row
	 * @param error the error
	 * @param partition the partition of the stamped send, or {@code null}
	 * @param stamp the stamp of a send the client took, or {@code null}
	 */
	void recordFailure(long id, String error, @Nullable Integer partition, @Nullable SequenceStamp stamp) {
		String kept = (error.length() > MAX_ERROR_LENGTH) ? error.substring(0, MAX_ERROR_LENGTH) : error;
		if (partition != null && stamp != null && this.keepsStamps) {
			this.jdbc
				.sql("UPDATE " + this.table + " SET attempts = attempts + 1, last_error = ?, stamp_partition = ?, "
						+ "stamp_producer_id = ?, stamp_sequence = ? WHERE id = ?")
				.params(kept, partition, stamp.producerId(), stamp.sequence(), id)
				.update();
			return;
		}
		this.jdbc.sql("UPDATE " + this.table + " SET attempts = attempts + 1, last_error = ? WHERE id = ?")
			.params(kept, id)
			.update();
	}

	/**
	 * Delete rows sent before a time.
	 * @param before the time
	 * @param limit the most rows to delete in one statement
	 * @return the number of rows deleted
	 */
	int deleteSentBefore(Instant before, int limit) {
		return this.jdbc
			.sql("DELETE FROM " + this.table + " WHERE id IN (SELECT id FROM " + this.table
					+ " WHERE sent_at < ? FETCH FIRST " + limit + " ROWS ONLY)")
			.param(before.atOffset(ZoneOffset.UTC))
			.update();
	}

	/**
	 * Return the pending rows, counted up to a bound, and the age of the oldest.
	 * @param countLimit the most rows to count
	 * @return the backlog
	 */
	Backlog backlog(int countLimit) {
		long count = this.monitoringJdbc
			.sql("SELECT COUNT(*) FROM (SELECT id FROM " + this.table + " WHERE sent_at IS NULL FETCH FIRST "
					+ countLimit + " ROWS ONLY) pending")
			.query(Long.class)
			.single();
		long failing = this.monitoringJdbc
			.sql("SELECT COUNT(*) FROM (SELECT id FROM " + this.table
					+ " WHERE sent_at IS NULL AND attempts > 0 FETCH FIRST " + countLimit + " ROWS ONLY) failing")
			.query(Long.class)
			.single();
		Instant oldest = this.monitoringJdbc
			.sql("SELECT created_at FROM " + this.table + " WHERE sent_at IS NULL ORDER BY id FETCH FIRST 1 ROWS ONLY")
			.query((rs, rowNum) -> rs.getObject(1, OffsetDateTime.class).toInstant())
			.optional()
			.orElse(null);
		return new Backlog(count, failing, oldest);
	}

	private static OutboxRow row(ResultSet rs, boolean stamps) throws SQLException {
		Integer stampPartition = stamps ? rs.getObject("stamp_partition", Integer.class) : null;
		Long producerId = stamps ? rs.getObject("stamp_producer_id", Long.class) : null;
		Long sequence = stamps ? rs.getObject("stamp_sequence", Long.class) : null;
		SequenceStamp stamp = (producerId != null && sequence != null) ? new SequenceStamp(producerId, sequence) : null;
		return new OutboxRow(rs.getLong("id"), rs.getString("message_id"), rs.getInt("lane"), rs.getString("topic"),
				rs.getObject("kafka_partition", Integer.class), rs.getObject("record_timestamp", Long.class),
				rs.getBytes("record_key"), rs.getBytes("record_value"), rs.getBytes("headers"),
				rs.getObject("created_at", OffsetDateTime.class).toInstant(), rs.getInt("attempts"), stampPartition,
				stamp);
	}

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
