package dev.lossless.kafka.outbox;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.autoconfigure.OutboxSchemaProperties;
import dev.lossless.kafka.jdbc.NamedTableSchemaInitializer;
import dev.lossless.kafka.sequence.SequenceStamp;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.annotation.Transactional;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The transactional outbox against a real broker and a real database: what commits is
 * published once with its message id, what rolls back is not, a crash between the send
 * and the commit that marks rows sent publishes them again, two relays on one table send
 * no row twice and keep the order of each key, rows wait while the broker is down, and
 * old sent rows are deleted.
 */
abstract class AbstractOutboxIntegrationTests {

	static EmbeddedKafkaCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = EmbeddedKafkaCluster.builder().brokers(1).start();
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	/**
	 * Return the JDBC URL of the database, the same for every application of the class.
	 * @return the URL
	 */
	abstract String jdbcUrl();

	/**
	 * Return the user the applications connect as.
	 * @return the user name
	 */
	abstract String username();

	/**
	 * Return a data source of the database.
	 * @return the data source
	 */
	abstract DataSource dataSource();

	/**
	 * Make every update of the outbox table fail, as if the relay crashed after the
	 * acknowledgements and before its commit.
	 * @param jdbc the database
	 */
	abstract void failUpdates(JdbcTemplate jdbc);

	/**
	 * Undo {@link #failUpdates(JdbcTemplate)}.
	 * @param jdbc the database
	 */
	abstract void allowUpdates(JdbcTemplate jdbc);

	JdbcTemplate jdbc() {
		return new JdbcTemplate(dataSource());
	}

	@Test
	void lanesAreLockedWithSkipLockedSoThatTwoRelaysNeverHoldTheSameLane() {
		OutboxStore store = new OutboxStore(dataSource(), createTable(), WAIT);
		store.prepare(4);
		assertThat(store.lanes()).containsExactly(0, 1, 2, 3);
		store.inTransaction(() -> {
			assertThat(store.lockLanes(List.of(0, 1))).containsExactly(0, 1);
			// another transaction, as another relay: the locked lanes are skipped
			assertThat(store.inTransaction(() -> store.lockLanes(List.of(0, 1, 2, 3)))).containsExactly(2, 3);
			assertThat(store.inTransaction(() -> store.lockLanes(List.of(1)))).isEmpty();
			return null;
		});
		// committed: the locks are released
		assertThat(store.inTransaction(() -> store.lockLanes(List.of(0, 1, 2, 3)))).containsExactly(0, 1, 2, 3);
	}

	@Test
	void stampOfAFailedAttemptIsKeptForTheNextOnes() {
		OutboxStore store = new OutboxStore(dataSource(), createTable(), WAIT);
		assertThat(store.prepare(4)).isTrue();
		long id = insertRow(store);
		store.recordFailure(id, "expired", 2, new SequenceStamp(7, 41));
		store.recordFailure(id, "expired again");
		OutboxRow row = store.inTransaction(() -> store.pending(List.of(0), 10)).get(0);
		assertThat(row.attempts()).isEqualTo(2);
		assertThat(row.stamp()).isEqualTo(new SequenceStamp(7, 41));
		ProducerRecord<byte[], byte[]> again = row.toProducerRecord();
		assertThat(again.partition()).isEqualTo(2);
		assertThat(SequenceStamp.from(again.headers())).isEqualTo(new SequenceStamp(7, 41));
		assertThat(again.headers().lastHeader(SequenceStamp.REPLAYED_HEADER)).isNotNull();
	}

	@Test
	void tableWithoutTheStampColumnsOfOlderVersionsStillWorks() {
		String table = createTable();
		for (String column : List.of("stamp_partition", "stamp_producer_id", "stamp_sequence")) {
			jdbc().execute("ALTER TABLE " + table + " DROP COLUMN " + column);
		}
		OutboxStore store = new OutboxStore(dataSource(), table, WAIT);
		assertThat(store.prepare(4)).isTrue();
		long id = insertRow(store);
		store.recordFailure(id, "expired", 2, new SequenceStamp(7, 41));
		OutboxRow row = store.inTransaction(() -> store.pending(List.of(0), 10)).get(0);
		assertThat(row.attempts()).isOne();
		assertThat(row.stamp()).isNull();
		assertThat(row.toProducerRecord().partition()).isNull();
	}

	@Test
	void pendingRowsAreTheOldestOfTheLockedLanesInIdOrderWithOrWithoutTheLaneIndex() {
		String table = createTable();
		OutboxStore store = new OutboxStore(dataSource(), table, WAIT);
		assertThat(store.prepare(4)).isTrue();
		assertThat(store.readsByLane()).isTrue();
		jdbc().batchUpdate(
				"INSERT INTO " + table + " (message_id, lane, topic, created_at, attempts) "
						+ "VALUES (?, ?, 'orders', CURRENT_TIMESTAMP, 0)",
				IntStream.range(0, 40)
					.mapToObj((i) -> new Object[] { UUID.randomUUID().toString(), (i * 7) % 4 })
					.toList());
		List<Long> ids = jdbc().queryForList("SELECT id FROM " + table + " ORDER BY id", Long.class);
		store.markSent(List.of(ids.get(1), ids.get(3), ids.get(9), ids.get(25)));
		List<Long> expected = jdbc().queryForList("SELECT id FROM " + table
				+ " WHERE sent_at IS NULL AND lane IN (1, 3) ORDER BY id FETCH FIRST 7 ROWS ONLY", Long.class);
		assertThat(expected).hasSize(7);
		assertThat(store.inTransaction(() -> store.pending(List.of(3, 1), 7))).extracting(OutboxRow::id)
			.containsExactlyElementsOf(expected);
		// a table of 0.1 without the index: the same rows, read the old way
		jdbc().execute("DROP INDEX " + table + "_pending_by_lane");
		OutboxStore withoutIndex = new OutboxStore(dataSource(), table, WAIT);
		assertThat(withoutIndex.prepare(4)).isTrue();
		assertThat(withoutIndex.readsByLane()).isFalse();
		assertThat(withoutIndex.inTransaction(() -> withoutIndex.pending(List.of(3, 1), 7))).extracting(OutboxRow::id)
			.containsExactlyElementsOf(expected);
	}

	private String createTable() {
		return createTable("outbox_" + UUID.randomUUID().toString().substring(0, 8));
	}

	String createTable(String table) {
		OutboxSchemaProperties schema = new OutboxSchemaProperties();
		schema.setInitializeSchema(DatabaseInitializationMode.ALWAYS);
		NamedTableSchemaInitializer initializer = new NamedTableSchemaInitializer(dataSource(), schema,
				OutboxStore.DEFAULT_TABLE_NAME, table);
		initializer.setResourceLoader(new DefaultResourceLoader());
		assertThat(initializer.initializeDatabase()).isTrue();
		return table;
	}

	private long insertRow(OutboxStore store) {
		jdbc().update("INSERT INTO " + store.tableName() + " (message_id, lane, topic, created_at, attempts) "
				+ "VALUES (?, 0, 'orders', CURRENT_TIMESTAMP, 0)", UUID.randomUUID().toString());
		return jdbc().queryForObject("SELECT MAX(id) FROM " + store.tableName(), Long.class);
	}

	@Test
	void committedTransactionIsPublishedOnceWithItsMessageId() throws Exception {
		String topic = createTopic(1);
		try (ConfigurableApplicationContext application = run()) {
			OrderService orders = application.getBean(OrderService.class);
			UUID messageId = orders.place(topic, "order-1", "placed");
			List<ConsumerRecord<byte[], byte[]>> records = KafkaTestSupport.readAll(cluster.bootstrapServers(), topic,
					1);
			assertThat(records).hasSize(1);
			ConsumerRecord<byte[], byte[]> record = records.get(0);
			assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("order-1");
			assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("placed");
			assertThat(OutboxMessage.messageId(record.headers())).isEqualTo(messageId.toString());
			assertThat(record.headers().lastHeader("origin").value())
				.isEqualTo("test".getBytes(StandardCharsets.UTF_8));
			await().atMost(WAIT).until(() -> sentAt(messageId) != null);
			assertThat(endOffsets(topic)).isEqualTo(1);
			assertThat(jdbc().queryForObject("SELECT COUNT(*) FROM business_orders WHERE id = ?", Long.class,
					messageId.toString()))
				.isOne();
		}
	}

	@Test
	void rolledBackTransactionPublishesNothing() throws Exception {
		String topic = createTopic(1);
		try (ConfigurableApplicationContext application = run()) {
			OrderService orders = application.getBean(OrderService.class);
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> orders.placeAndFail(topic, "order-1", "rolled back"));
			UUID marker = orders.place(topic, "order-2", "committed");
			List<ConsumerRecord<byte[], byte[]>> records = KafkaTestSupport.readAll(cluster.bootstrapServers(), topic,
					1);
			await().atMost(WAIT).until(() -> sentAt(marker) != null);
			assertThat(endOffsets(topic)).isEqualTo(1);
			assertThat(records).singleElement()
				.satisfies(
						(record) -> assertThat(OutboxMessage.messageId(record.headers())).isEqualTo(marker.toString()));
			assertThat(jdbc().queryForObject("SELECT COUNT(*) FROM lossless_outbox WHERE topic = ?", Long.class, topic))
				.isOne();
		}
	}

	@Test
	void publishingOutsideATransactionFailsClearly() {
		String topic = createTopic(1);
		try (ConfigurableApplicationContext application = run()) {
			OutboxPublisher publisher = application.getBean(OutboxPublisher.class);
			assertThatExceptionOfType(IllegalTransactionStateException.class)
				.isThrownBy(() -> publisher.publish(topic, "order-1", "no transaction"))
				.withMessageContaining("must run in a Spring-managed transaction")
				.withMessageContaining(topic);
			assertThat(jdbc().queryForObject("SELECT COUNT(*) FROM lossless_outbox WHERE topic = ?", Long.class, topic))
				.isZero();
		}
	}

	@Test
	void crashBetweenTheSendAndMarkingRowsSentPublishesThemAgainWithTheSameMessageIds() throws Exception {
		String topic = createTopic(1);
		try (ConfigurableApplicationContext application = run()) {
			OrderService orders = application.getBean(OrderService.class);
			OutboxRelay relay = application.getBean(OutboxRelay.class);
			List<UUID> ids = new ArrayList<>();
			failUpdates(jdbc());
			try {
				for (int i = 0; i < 3; i++) {
					ids.add(orders.place(topic, "order-" + i, "placed-" + i));
				}
				// the records reach the topic, but the round that sent them cannot commit
				await().atMost(WAIT).until(() -> endOffsets(topic) >= 3 && relay.monitor().statistics().failures() > 0);
				// every row sent at least once, and the round that sent it over: rounds
				// run
				// one after the other, so a failure counted after this point ends it
				await().atMost(WAIT)
					.until(() -> KafkaTestSupport.readAll(cluster.bootstrapServers(), topic, (int) endOffsets(topic))
						.stream()
						.map((record) -> OutboxMessage.messageId(record.headers()))
						.distinct()
						.count() == ids.size());
				long failures = relay.monitor().statistics().failures();
				await().atMost(WAIT).until(() -> relay.monitor().statistics().failures() > failures);
				assertThat(ids).allSatisfy((id) -> assertThat(sentAt(id)).isNull());
			}
			finally {
				allowUpdates(jdbc());
			}
			await().atMost(WAIT).until(() -> ids.stream().allMatch((id) -> sentAt(id) != null));
			long written = endOffsets(topic);
			List<ConsumerRecord<byte[], byte[]>> records = KafkaTestSupport.readAll(cluster.bootstrapServers(), topic,
					(int) written);
			Map<String, Long> copies = records.stream()
				.collect(Collectors.groupingBy((record) -> OutboxMessage.messageId(record.headers()),
						Collectors.counting()));
			// at least once: every row at least twice, nothing else
			assertThat(copies.keySet()).containsExactlyInAnyOrderElementsOf(ids.stream().map(UUID::toString).toList());
			assertThat(copies.values()).allSatisfy((count) -> assertThat(count).isGreaterThanOrEqualTo(2));
			assertThat(health(application).getStatus()).isEqualTo(Status.UP);
			assertThat(endOffsets(topic)).isEqualTo(written);
		}
	}

	@Test
	void twoRelaysOnOneTableSendNoRowTwiceAndKeepTheOrderOfEachKey() throws Exception {
		String topic = createTopic(3);
		int rows = 1000;
		int keys = 20;
		String[] tuning = { "lossless.kafka.outbox.batch-size=25" };
		try (ConfigurableApplicationContext first = run(tuning); ConfigurableApplicationContext second = run(tuning)) {
			List<OrderService> services = List.of(first.getBean(OrderService.class),
					second.getBean(OrderService.class));
			Map<String, Integer> sequences = new HashMap<>();
			for (int transaction = 0; transaction < rows / 10; transaction++) {
				List<String[]> batch = new ArrayList<>();
				for (int i = 0; i < 10; i++) {
					String key = "key-" + ((transaction * 10 + i) % keys);
					int sequence = sequences.merge(key, 1, Integer::sum);
					batch.add(new String[] { key, key + ":" + sequence });
				}
				services.get(transaction % 2).placeAll(topic, batch);
			}
			List<ConsumerRecord<byte[], byte[]>> records = KafkaTestSupport.readAll(cluster.bootstrapServers(), topic,
					rows);
			OutboxRelay relay1 = first.getBean(OutboxRelay.class);
			OutboxRelay relay2 = second.getBean(OutboxRelay.class);
			await().atMost(WAIT)
				.until(() -> relay1.monitor().statistics().published()
						+ relay2.monitor().statistics().published() == rows);
			assertThat(endOffsets(topic)).isEqualTo(rows);
			assertThat(records).hasSize(rows);
			Set<String> messageIds = new HashSet<>();
			Map<String, Integer> lastSeen = new HashMap<>();
			for (ConsumerRecord<byte[], byte[]> record : records) {
				assertThat(messageIds.add(OutboxMessage.messageId(record.headers()))).isTrue();
			}
			for (ConsumerRecord<byte[], byte[]> record : records) {
				String[] keyAndSequence = new String(record.value(), StandardCharsets.UTF_8).split(":");
				int sequence = Integer.parseInt(keyAndSequence[1]);
				Integer previous = lastSeen.put(keyAndSequence[0], sequence);
				assertThat(sequence).as("order of %s", keyAndSequence[0])
					.isEqualTo((previous != null) ? previous + 1 : 1);
			}
			assertThat(lastSeen).hasSize(keys);
		}
	}

	@Test
	void aBacklogSpreadUnevenlyOverTheLanesIsDrainedWithoutWaitingForThePollInterval() throws Exception {
		String topic = createTopic(3);
		int rows = 100;
		// a round reads half the lanes: one that finds less than a batch there must not
		// wait for the poll interval while the other half still holds rows
		try (ConfigurableApplicationContext application = run("lossless.kafka.outbox.poll-interval=1h",
				"lossless.kafka.outbox.batch-size=10")) {
			application.getBean(OrderService.class)
				.placeAll(topic,
						IntStream.range(0, rows)
							.mapToObj((i) -> new String[] { "key-" + (i % 7), "value-" + i })
							.toList());
			await().atMost(WAIT).until(() -> endOffsets(topic) == rows);
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(jdbc().queryForObject(
						"SELECT COUNT(*) FROM lossless_outbox WHERE topic = ? AND sent_at IS NULL", Long.class, topic))
					.isZero());
		}
	}

	@Test
	void rowsWaitWhileTheBrokerIsDownAndArePublishedWhenItIsBack() throws Exception {
		String topic = createTopic(1);
		int broker = cluster.brokerIds().iterator().next();
		// with the broker stopped the relay's sends fail after max.block.ms (2 s in
		// run())
		try (ConfigurableApplicationContext application = run("spring.kafka.producer.properties.max.block.ms=500")) {
			OrderService orders = application.getBean(OrderService.class);
			OutboxRelay relay = application.getBean(OutboxRelay.class);
			List<UUID> ids = new ArrayList<>();
			cluster.stopBroker(broker);
			try {
				for (int i = 0; i < 5; i++) {
					ids.add(orders.place(topic, "order-" + i, "placed-" + i));
				}
				await().atMost(WAIT).until(() -> health(application).getStatus().equals(Status.DOWN));
				Health down = health(application);
				assertThat(down.getDetails()).containsEntry("pending", 5L)
					.containsKeys("oldestPendingAge", "lastFailure", "reason");
				assertThat(relay.monitor().statistics().failures()).isPositive();
				assertThat(ids).allSatisfy((id) -> assertThat(sentAt(id)).isNull());
			}
			finally {
				cluster.startBroker(broker);
			}
			await().atMost(WAIT).until(() -> ids.stream().allMatch((id) -> sentAt(id) != null));
			List<ConsumerRecord<byte[], byte[]>> records = KafkaTestSupport.readAll(cluster.bootstrapServers(), topic,
					5);
			assertThat(records.stream().map((record) -> OutboxMessage.messageId(record.headers())).distinct())
				.containsExactlyInAnyOrderElementsOf(ids.stream().map(UUID::toString).toList());
			await().atMost(WAIT).until(() -> health(application).getStatus().equals(Status.UP));
			assertThat(health(application).getDetails()).containsEntry("pending", 0L);
		}
	}

	@Test
	void aRecordKafkaRefusesHoldsUpItsOwnLaneOnly() {
		String topic = createTopic(3);
		JdbcTemplate jdbc = jdbc();
		String tooLarge = null;
		try (ConfigurableApplicationContext application = run(
				"spring.kafka.producer.properties.max.request.size=2000")) {
			OrderService orders = application.getBean(OrderService.class);
			orders.placeAll(topic, List.<String[]>of(new String[] { "too-large", "x".repeat(5000) }));
			tooLarge = jdbc.queryForObject(
					"SELECT message_id FROM lossless_outbox WHERE topic = ? AND OCTET_LENGTH(record_value) > 4000",
					String.class, topic);
			orders.placeAll(topic,
					IntStream.range(0, 40).mapToObj((i) -> new String[] { "key-" + i, "value-" + i }).toList());
			Integer lane = jdbc.queryForObject("SELECT lane FROM lossless_outbox WHERE message_id = ?", Integer.class,
					tooLarge);
			String refused = tooLarge;
			await().atMost(WAIT).untilAsserted(() -> {
				assertThat(jdbc.queryForObject(
						"SELECT COUNT(*) FROM lossless_outbox WHERE topic = ? AND sent_at IS NULL AND lane <> ?",
						Long.class, topic, lane))
					.as("rows of the other lanes")
					.isZero();
				assertThat(jdbc.queryForObject("SELECT attempts FROM lossless_outbox WHERE message_id = ?",
						Integer.class, refused))
					.isPositive();
			});
			assertThat(sentAt(UUID.fromString(tooLarge))).isNull();
		}
		finally {
			if (tooLarge != null) {
				// the operator's remedy; the other tests share the table
				jdbc.update("DELETE FROM lossless_outbox WHERE message_id = ?", tooLarge);
			}
		}
	}

	@Test
	void aCorruptRowFailsAloneWithAClearErrorAndTheRelayGoesOn() {
		String topic = createTopic(3);
		JdbcTemplate jdbc = jdbc();
		UUID corrupt = null;
		try (ConfigurableApplicationContext application = run()) {
			OrderService orders = application.getBean(OrderService.class);
			corrupt = orders.placeCorrupt(topic, "corrupt", "value");
			orders.placeAll(topic,
					IntStream.range(0, 20).mapToObj((i) -> new String[] { "key-" + i, "value-" + i }).toList());
			Integer lane = jdbc.queryForObject("SELECT lane FROM lossless_outbox WHERE message_id = ?", Integer.class,
					corrupt.toString());
			String corruptId = corrupt.toString();
			await().atMost(WAIT).untilAsserted(() -> {
				assertThat(pendingOutside(topic, lane)).as("rows of the other lanes").isZero();
				assertThat(jdbc.queryForObject("SELECT last_error FROM lossless_outbox WHERE message_id = ?",
						String.class, corruptId))
					.contains("corrupt headers");
			});
			// the relay still runs: later rows are published too
			orders.placeAll(topic,
					IntStream.range(20, 30).mapToObj((i) -> new String[] { "key-" + i, "value-" + i }).toList());
			await().atMost(WAIT)
				.untilAsserted(
						() -> assertThat(pendingOutside(topic, lane)).as("later rows of the other lanes").isZero());
			assertThat(sentAt(corrupt)).isNull();
			Health health = health(application);
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(String.valueOf(health.getDetails().get("lastFailure"))).contains("corrupt headers");
		}
		finally {
			if (corrupt != null) {
				// the operator's remedy; the other tests share the table
				jdbc.update("DELETE FROM lossless_outbox WHERE message_id = ?", corrupt.toString());
			}
		}
	}

	@Test
	void aLaneWhoseOldestRowCannotBeDecodedDoesNotMakeTheRelayReadItAgainWithoutPause() throws Exception {
		String topic = createTopic(1);
		String table = createTable();
		// more than a batch of rows in lane 0 that can never be sent, older than lane 1's
		long head = insertRows(table, topic, 0, 3, -5, "never".getBytes(StandardCharsets.UTF_8)).get(0);
		insertRows(table, topic, 1, 3, System.currentTimeMillis(), "value".getBytes(StandardCharsets.UTF_8));
		// rows written without the publisher wake nothing up: the relay reads them in
		// the rounds that follow its start, then waits for the poll interval
		try (ConfigurableApplicationContext application = run("lossless.kafka.outbox.table-name=" + table,
				"lossless.kafka.outbox.lanes=2", "lossless.kafka.outbox.batch-size=2",
				"lossless.kafka.outbox.poll-interval=1h")) {
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(pendingIn(table, 1)).as("rows of the other lane").isZero());
			await().during(Duration.ofSeconds(3))
				.atMost(WAIT)
				.untilAsserted(
						() -> assertThat(attempts(table, head)).as("attempts of the undecodable row").isBetween(1, 5));
			assertThat(pendingIn(table, 0)).isEqualTo(3);
			assertThat(endOffsets(topic)).isEqualTo(3);
		}
	}

	@Test
	void aLaneHeldUpByARecordKafkaRefusesHoldsUpNoOtherLaneOfItsRoundsWhateverItsBacklog() throws Exception {
		String topic = createTopic(3);
		String table = createTable();
		// lane 0: a record larger than max.request.size, then more than a batch of rows,
		// all older than the rows of lane 1 (read in the same rounds) and lanes 2 and 3
		long refused = insertRows(table, topic, 0, 1, System.currentTimeMillis(),
				"x".repeat(5000).getBytes(StandardCharsets.UTF_8))
			.get(0);
		insertRows(table, topic, 0, 12, System.currentTimeMillis(), "held".getBytes(StandardCharsets.UTF_8));
		for (int lane = 1; lane < 4; lane++) {
			insertRows(table, topic, lane, 3, System.currentTimeMillis(), "value".getBytes(StandardCharsets.UTF_8));
		}
		try (ConfigurableApplicationContext application = run("lossless.kafka.outbox.table-name=" + table,
				"lossless.kafka.outbox.lanes=4", "lossless.kafka.outbox.batch-size=5",
				"spring.kafka.producer.properties.max.request.size=2000")) {
			await().atMost(WAIT).untilAsserted(() -> {
				for (int lane = 1; lane < 4; lane++) {
					assertThat(pendingIn(table, lane)).as("rows of lane %d", lane).isZero();
				}
				assertThat(attempts(table, refused)).isPositive();
			});
			assertThat(pendingIn(table, 0)).isEqualTo(13);
			assertThat(endOffsets(topic)).isEqualTo(9);
		}
	}

	private List<Long> insertRows(String table, String topic, int lane, int count, long timestamp, byte[] value) {
		List<String> messageIds = IntStream.range(0, count).mapToObj((i) -> UUID.randomUUID().toString()).toList();
		for (String messageId : messageIds) {
			jdbc().update(
					"INSERT INTO " + table + " (message_id, lane, topic, record_timestamp, record_key, "
							+ "record_value, created_at, attempts) VALUES (?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP, 0)",
					messageId, lane, topic, timestamp, ("key-" + lane).getBytes(StandardCharsets.UTF_8), value);
		}
		return messageIds.stream()
			.map((messageId) -> jdbc().queryForObject("SELECT id FROM " + table + " WHERE message_id = ?", Long.class,
					messageId))
			.toList();
	}

	private long pendingIn(String table, int lane) {
		return jdbc().queryForObject("SELECT COUNT(*) FROM " + table + " WHERE lane = ? AND sent_at IS NULL",
				Long.class, lane);
	}

	private int attempts(String table, long id) {
		return jdbc().queryForObject("SELECT attempts FROM " + table + " WHERE id = ?", Integer.class, id);
	}

	@Test
	void sentRowsAreDeletedAfterTheirRetention() {
		String topic = createTopic(1);
		try (ConfigurableApplicationContext application = run("lossless.kafka.outbox.cleanup.retention=5s",
				"lossless.kafka.outbox.cleanup.interval=200ms")) {
			OrderService orders = application.getBean(OrderService.class);
			UUID id = orders.place(topic, "order-1", "placed");
			await().atMost(WAIT).until(() -> sentAt(id) != null);
			// kept during the retention, so an operator can see what was sent
			assertThat(rowCount(id)).isOne();
			await().atMost(WAIT).until(() -> rowCount(id) == 0);
		}
	}

	private long rowCount(UUID messageId) {
		Long count = jdbc().queryForObject("SELECT COUNT(*) FROM lossless_outbox WHERE message_id = ?", Long.class,
				messageId.toString());
		return (count != null) ? count : 0;
	}

	private Long pendingOutside(String topic, Integer lane) {
		return jdbc().queryForObject(
				"SELECT COUNT(*) FROM lossless_outbox WHERE topic = ? AND sent_at IS NULL AND lane <> ?", Long.class,
				topic, lane);
	}

	Object sentAt(UUID messageId) {
		List<Object> sentAt = jdbc().query("SELECT sent_at FROM lossless_outbox WHERE message_id = ?",
				(rs, rowNum) -> rs.getObject(1), messageId.toString());
		assertThat(sentAt).hasSize(1);
		return sentAt.get(0);
	}

	static String createTopic(int partitions) {
		String topic = KafkaTestSupport.unique("outbox");
		cluster.createTopic(topic, partitions, (short) 1, Map.of());
		return topic;
	}

	static long endOffsets(String topic) throws Exception {
		try (Admin admin = cluster.createAdmin()) {
			int partitions = admin.describeTopics(List.of(topic))
				.allTopicNames()
				.get(30, TimeUnit.SECONDS)
				.get(topic)
				.partitions()
				.size();
			Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
			for (int partition = 0; partition < partitions; partition++) {
				latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
			}
			return admin.listOffsets(latest)
				.all()
				.get(30, TimeUnit.SECONDS)
				.values()
				.stream()
				.mapToLong((info) -> info.offset())
				.sum();
		}
	}

	private static Health health(ConfigurableApplicationContext context) {
		CompositeHealthContributor reliability = context.getBean("kafkaReliabilityHealthContributor",
				CompositeHealthContributor.class);
		return ((HealthIndicator) reliability.getContributor("outbox")).health();
	}

	ConfigurableApplicationContext run(String... extraProperties) {
		jdbc().execute("CREATE TABLE IF NOT EXISTS business_orders (id VARCHAR(36) PRIMARY KEY, item VARCHAR(100))");
		List<String> properties = new ArrayList<>(List.of(
				"spring.kafka.bootstrap-servers=" + cluster.bootstrapServers(), "spring.datasource.url=" + jdbcUrl(),
				"spring.datasource.username=" + username(), "lossless.kafka.outbox.initialize-schema=always",
				"lossless.kafka.outbox.poll-interval=100ms", "lossless.kafka.outbox.back-off=200ms",
				"lossless.kafka.outbox.max-back-off=1s", "lossless.kafka.producer.delivery-timeout=5s",
				"spring.kafka.producer.properties.max.block.ms=2000",
				"lossless.kafka.accepted-risks=topic.replication-factor,topic.min-insync-replicas"));
		properties.addAll(List.of(extraProperties));
		return KafkaTestSupport.run(OutboxApplication.class, properties.toArray(String[]::new));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class OutboxApplication {

		@Bean
		OrderService orderService(JdbcTemplate jdbc, OutboxPublisher outbox) {
			return new OrderService(jdbc, outbox);
		}

	}

	/**
	 * A business service: each order is a row of the application's own table and a record
	 * in the outbox, in one transaction.
	 */
	static class OrderService {

		private final JdbcTemplate jdbc;

		private final OutboxPublisher outbox;

		OrderService(JdbcTemplate jdbc, OutboxPublisher outbox) {
			this.jdbc = jdbc;
			this.outbox = outbox;
		}

		@Transactional
		public UUID place(String topic, String key, String value) {
			UUID id = this.outbox.publish(new ProducerRecord<>(topic, null, key, value,
					List.of(new RecordHeader("origin", "test".getBytes(StandardCharsets.UTF_8)))));
			this.jdbc.update("INSERT INTO business_orders (id, item) VALUES (?, ?)", id.toString(), value);
			return id;
		}

		@Transactional
		public void placeAll(String topic, List<String[]> keysAndValues) {
			for (String[] keyAndValue : keysAndValues) {
				this.outbox.publish(topic, keyAndValue[0], keyAndValue[1]);
			}
		}

		@Transactional
		public UUID placeCorrupt(String topic, String key, String value) {
			UUID id = place(topic, key, value);
			// one header whose key claims Integer.MAX_VALUE bytes
			byte[] corrupt = ByteBuffer.allocate(8).putInt(1).putInt(Integer.MAX_VALUE).array();
			this.jdbc.update("UPDATE lossless_outbox SET headers = ? WHERE message_id = ?", corrupt, id.toString());
			return id;
		}

		@Transactional
		public void placeAndFail(String topic, String key, String value) {
			place(topic, key, value);
			throw new IllegalStateException("The order is refused after it was written");
		}

	}

}
