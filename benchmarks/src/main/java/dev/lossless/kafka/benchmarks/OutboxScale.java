package dev.lossless.kafka.benchmarks;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.lossless.kafka.outbox.OutboxRelay;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import dev.lossless.kafka.testcluster.PostgresServer;
import org.apache.kafka.common.utils.Utils;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The outbox relay at scale: pending rows written with the relays stopped, then 1 or 3
 * relay instances (separate applications on one table) started and timed until every row
 * is published, with the rate over the first and the last tenth of the rows; the
 * statements' mean times from {@code pg_stat_statements} at both sizes, their plans with
 * the table full, and {@code EXPLAIN (ANALYZE, BUFFERS)} at the start and at the end of
 * each full-size drain.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class OutboxScale {

	private static final String TOPIC = "scale-outbox";

	private static final int ROWS_PER_TRANSACTION = 50_000;

	private static final int KEYS = 100;

	private static final int VALUE_BYTES = 100;

	private static final long TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(30);

	/** A statement as PostgreSQL saw it, by its folded text: the one to explain. */
	private static final Map<String, String> EXAMPLES = new java.util.concurrent.ConcurrentHashMap<>();

	private OutboxScale() {
	}

	static void run(EmbeddedKafkaCluster cluster, ScaleReport report, int fullRows) throws Exception {
		int smallRows = Math.max(1000, fullRows / 10);
		cluster.createTopic(TOPIC, 3, (short) 1, Map.of());
		try (PostgresServer postgres = PostgresServer
			.start(Map.of("max_connections", "100", "shared_preload_libraries", "pg_stat_statements"))) {
			JdbcClient jdbc = JdbcClient.create(postgres.dataSource());
			jdbc.sql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").update();
			List<ConfigurableApplicationContext> applications = new ArrayList<>();
			try {
				for (int i = 0; i < 3; i++) {
					applications
						.add(BenchmarkApplications.outbox(cluster.bootstrapServers(), postgres.jdbcUrl(), 500, TOPIC));
				}
				applications.forEach((application) -> application.getBean(OutboxRelay.class).stop());
				boolean planned = false;
				for (int relays : List.of(1, 3)) {
					List<ConfigurableApplicationContext> running = applications.subList(0, relays);
					fill(jdbc, smallRows);
					resetStatements(jdbc);
					Relayed small = relay(running, smallRows, (when) -> {
					});
					Map<String, double[]> smallStatements = statements(jdbc);
					fill(jdbc, fullRows);
					jdbc.sql("ANALYZE").update();
					if (!planned) {
						plans(postgres, smallStatements.keySet(), report);
						planned = true;
					}
					resetStatements(jdbc);
					String label = "outbox relay, " + relays + ((relays == 1) ? " instance" : " instances");
					Relayed full = relay(running, fullRows, (when) -> explain(postgres, label + ", " + when, report));
					Map<String, double[]> fullStatements = statements(jdbc);
					String smallSize = String.format(Locale.ROOT, "%,d pending rows", smallRows);
					String fullSize = String.format(Locale.ROOT, "%,d pending rows", fullRows);
					report.total(label, "time to publish every row", smallSize, fullSize, (double) fullRows / smallRows,
							small.seconds(), full.seconds(), "s");
					report.rate(label, "rows/s over the first and the last tenth of the rows", fullSize,
							full.startRate(), full.endRate(), "rows/s");
					fullStatements.forEach((statement, full2) -> {
						double[] small2 = smallStatements.get(statement);
						if (small2 != null && full2[1] >= 10) {
							report.perUnit(label,
									"mean time of `" + abbreviate(statement) + "` (" + (long) full2[1] + " calls)",
									smallSize, fullSize, small2[0], full2[0], "ms");
						}
					});
				}
				Long rows = jdbc.sql("SELECT COUNT(*) FROM lossless_outbox").query(Long.class).single();
				report.note(String.format(Locale.ROOT,
						"outbox relay: every relay application has `lossless.kafka.outbox.batch-size=500`; sent rows "
								+ "are kept by the relay's clean-up for its retention, so the table held %,d rows "
								+ "at the end; Kafka: one in-JVM broker, topic of 3 partitions",
						rows));
			}
			finally {
				applications.forEach(ConfigurableApplicationContext::close);
			}
		}
	}

	/**
	 * Write the pending rows as {@link dev.lossless.kafka.outbox.OutboxPublisher} writes
	 * them (the lane of each key by Kafka's murmur2, byte array key and value, no
	 * headers), with SQL in the database: the fill is not what is measured, and through
	 * the publisher 1 M rows took longer than the relays on a loaded machine.
	 */
	private static void fill(JdbcClient jdbc, int rows) {
		int lanes = jdbc.sql("SELECT COUNT(*) FROM lossless_outbox_lane").query(Integer.class).single();
		StringBuilder laneOfKey = new StringBuilder("ARRAY[");
		for (int key = 0; key < KEYS; key++) {
			byte[] serialized = ("key-" + key).getBytes(StandardCharsets.UTF_8);
			laneOfKey.append((key > 0) ? ", " : "").append(Utils.toPositive(Utils.murmur2(serialized)) % lanes);
		}
		laneOfKey.append("]");
		long start = System.nanoTime();
		for (int from = 0; from < rows; from += ROWS_PER_TRANSACTION) {
			jdbc.sql("INSERT INTO lossless_outbox (message_id, lane, topic, record_key, record_value, created_at, "
					+ "attempts) SELECT gen_random_uuid()::text, (" + laneOfKey + ")[i % " + KEYS + " + 1], ?, "
					+ "convert_to('key-' || (i % " + KEYS + "), 'UTF8'), ?, now(), 0 FROM generate_series(?, ?) i")
				.params(TOPIC, new byte[VALUE_BYTES], from, Math.min(rows, from + ROWS_PER_TRANSACTION) - 1)
				.update();
		}
		ScaleBenchmarks.log("outbox: wrote %,d rows in %.1f s", rows, (System.nanoTime() - start) / 1e9);
	}

	/**
	 * Start the relays and wait until they published the rows; {@code explain} is called
	 * once at 5 % of the rows and once at 90 %, while they run.
	 */
	private static Relayed relay(List<ConfigurableApplicationContext> applications, int rows,
			java.util.function.Consumer<String> explain) {
		List<OutboxRelay> relays = applications.stream().map((app) -> app.getBean(OutboxRelay.class)).toList();
		long before = published(relays);
		List<long[]> samples = new ArrayList<>();
		long start = System.nanoTime();
		relays.forEach(OutboxRelay::start);
		boolean explainedStart = false;
		boolean explainedEnd = false;
		try {
			long done = 0;
			while (done < rows) {
				if (System.nanoTime() - start > TIMEOUT_NANOS) {
					throw new IllegalStateException("The relays published " + done + " of " + rows + " rows");
				}
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
				done = published(relays) - before;
				samples.add(new long[] { System.nanoTime() - start, done });
				if (!explainedStart && done >= rows / 20) {
					explainedStart = true;
					explain.accept(String.format(Locale.ROOT, "at %,d of %,d rows (start of the drain)", done, rows));
				}
				if (!explainedEnd && done >= rows - rows / 10) {
					explainedEnd = true;
					explain.accept(String.format(Locale.ROOT, "at %,d of %,d rows (end of the drain)", done, rows));
				}
			}
		}
		finally {
			relays.forEach(OutboxRelay::stop);
		}
		double seconds = samples.get(samples.size() - 1)[0] / 1e9;
		ScaleBenchmarks.log("outbox: %d relay(s) published %,d rows in %.1f s", relays.size(), rows, seconds);
		return new Relayed(seconds, rate(samples, 0, rows / 10), rate(samples, rows - rows / 10, rows));
	}

	/** Rows per second between the samples where the count first reached from and to. */
	private static double rate(List<long[]> samples, long from, long to) {
		long[] first = samples.stream().filter((sample) -> sample[1] >= from).findFirst().orElseThrow();
		long[] last = samples.stream().filter((sample) -> sample[1] >= to).findFirst().orElseThrow();
		if (from == 0) {
			first = new long[] { firstPublished(samples), 0 };
		}
		return (last[1] - first[1]) * 1e9 / Math.max(1, last[0] - first[0]);
	}

	/**
	 * When the first row was seen published: the start of publishing, after the start.
	 */
	private static long firstPublished(List<long[]> samples) {
		for (int i = 0; i < samples.size(); i++) {
			if (samples.get(i)[1] > 0) {
				return (i > 0) ? samples.get(i - 1)[0] : 0;
			}
		}
		return 0;
	}

	private static long published(List<OutboxRelay> relays) {
		return relays.stream().mapToLong((relay) -> relay.monitor().published()).sum();
	}

	private static void resetStatements(JdbcClient jdbc) {
		jdbc.sql("SELECT pg_stat_statements_reset()").query().singleRow();
	}

	/**
	 * The statements on the outbox tables since the last reset, lists of placeholders
	 * folded, with their mean time in milliseconds and their calls.
	 */
	private static Map<String, double[]> statements(JdbcClient jdbc) {
		Map<String, double[]> statements = new LinkedHashMap<>();
		jdbc.sql("SELECT query, calls, total_exec_time FROM pg_stat_statements WHERE query ILIKE '%lossless_outbox%' "
				+ "AND query NOT ILIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC")
			.query((rs, row) -> {
				String query = fold(rs.getString(1));
				double[] totals = statements.computeIfAbsent(query, (key) -> new double[3]);
				totals[1] += rs.getLong(2);
				totals[2] += rs.getDouble(3);
				totals[0] = totals[2] / totals[1];
				EXAMPLES.putIfAbsent(query, rs.getString(1));
				return query;
			})
			.list();
		return statements;
	}

	/**
	 * Explain each statement as PostgreSQL saw it, its parameters left as {@code $n}:
	 * sent through the simple query protocol, which does not bind them.
	 */
	private static void plans(PostgresServer postgres, Iterable<String> statements, ScaleReport report)
			throws SQLException {
		String url = postgres.jdbcUrl() + (postgres.jdbcUrl().contains("?") ? "&" : "?") + "preferQueryMode=simple";
		try (Connection connection = DriverManager.getConnection(url, PostgresServer.USER, "");
				Statement explain = connection.createStatement()) {
			for (String statement : statements) {
				String upper = statement.stripLeading().toUpperCase(Locale.ROOT);
				if (!(upper.startsWith("SELECT") || upper.startsWith("UPDATE") || upper.startsWith("DELETE")
						|| upper.startsWith("INSERT") || upper.startsWith("WITH"))) {
					continue;
				}
				List<String> plan = new ArrayList<>();
				try (ResultSet rows = explain.executeQuery("EXPLAIN (GENERIC_PLAN) " + EXAMPLES.get(statement))) {
					while (rows.next()) {
						plan.add(rows.getString(1));
					}
					report.plan(statement, String.join("\n", plan));
				}
				catch (SQLException ex) {
					report.plan(statement, "(no plan: " + ex.getMessage() + ")");
				}
			}
		}
	}

	/**
	 * {@code EXPLAIN (ANALYZE, BUFFERS)} of the relay's statements while the relays run,
	 * with the dead tuples and autovacuum runs of the table: the pending-rows query as
	 * the relay sends it (half the lanes, a batch of 500), and the lock and the update in
	 * a transaction rolled back (the update on 500 rows already sent, which no relay
	 * touches).
	 */
	private static void explain(PostgresServer postgres, String when, ScaleReport report) {
		JdbcClient jdbc = JdbcClient.create(postgres.dataSource());
		String table = jdbc
			.sql("SELECT 'n_live_tup ' || n_live_tup || ', n_dead_tup ' || n_dead_tup || ', autovacuum runs '"
					+ " || autovacuum_count || ', last autovacuum ' || COALESCE(last_autovacuum::text, 'none')"
					+ " FROM pg_stat_user_tables WHERE relname = 'lossless_outbox'")
			.query(String.class)
			.single();
		String lanes = "0, 1, 2, 3, 4, 5, 6, 7";
		String columns = "id, message_id, lane, topic, kafka_partition, record_timestamp, record_key, record_value, "
				+ "headers, created_at, attempts, stamp_partition, stamp_producer_id, stamp_sequence";
		// as OutboxStore.pending sends it for half the lanes: each lane's head, merged
		List<String> eachLane = new ArrayList<>();
		for (int lane = 0; lane < 8; lane++) {
			eachLane.add("(SELECT " + columns + " FROM lossless_outbox WHERE lane = " + lane
					+ " AND sent_at IS NULL ORDER BY id FETCH FIRST 500 ROWS ONLY)");
		}
		String pending = "SELECT " + columns + " FROM (" + String.join(" UNION ALL ", eachLane)
				+ ") pending ORDER BY id FETCH FIRST 500 ROWS ONLY";
		String lock = "SELECT lane FROM lossless_outbox_lane WHERE lane IN (" + lanes
				+ ") ORDER BY lane FOR UPDATE SKIP LOCKED";
		List<Long> sent = jdbc.sql(
				"SELECT id FROM lossless_outbox WHERE sent_at IS NOT NULL ORDER BY sent_at DESC FETCH FIRST 500 ROWS ONLY")
			.query(Long.class)
			.list();
		String update = "UPDATE lossless_outbox SET sent_at = sent_at WHERE id IN ("
				+ String.join(", ", sent.stream().map(String::valueOf).toList()) + ")";
		try (Connection connection = postgres.dataSource().getConnection();
				Statement explain = connection.createStatement()) {
			connection.setAutoCommit(false);
			for (String statement : List.of(pending, lock, update)) {
				if (statement == update && sent.isEmpty()) {
					continue;
				}
				List<String> plan = new ArrayList<>();
				try (ResultSet rows = explain.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + statement)) {
					while (rows.next()) {
						// the update's 500 ids, once is enough
						plan.add(rows.getString(1).replaceAll("'\\{[0-9,]{100,}}'", "'{(500 ids)}'"));
					}
				}
				String shown = (statement == update)
						? "UPDATE lossless_outbox SET sent_at = sent_at WHERE id IN (500 ids)"
						: (statement == pending) ? "SELECT " + columns + " FROM (" + eachLane.get(0)
								+ " UNION ALL ... (the same for lanes 1 to 7)) pending ORDER BY id FETCH FIRST 500 ROWS ONLY"
								: statement;
				report.plan("-- " + when + "; table: " + table + "\n" + shown, String.join("\n", plan));
			}
			connection.rollback();
		}
		catch (SQLException ex) {
			report.note("EXPLAIN " + when + " failed: " + ex.getMessage());
		}
		ScaleBenchmarks.log("outbox: explained the statements %s", when);
	}

	private static String fold(String query) {
		return query.replaceAll("\\$\\d+(\\s*,\\s*\\$\\d+)+", "\\$n, ...").replaceAll("\\s+", " ");
	}

	private static String abbreviate(String statement) {
		return (statement.length() <= 90) ? statement : statement.substring(0, 87) + "...";
	}

	private record Relayed(double seconds, double startRate, double endRate) {
	}

}
