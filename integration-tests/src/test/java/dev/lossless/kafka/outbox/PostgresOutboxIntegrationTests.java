package dev.lossless.kafka.outbox;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.sequence.SequenceChecker;
import dev.lossless.kafka.testcluster.PostgresServer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The transactional outbox on a real PostgreSQL server, a row whose transaction commits
 * after a row with a higher id, and a row sent again after an ambiguous failure keeping
 * the sequence stamp of its first attempt.
 */
class PostgresOutboxIntegrationTests extends AbstractOutboxIntegrationTests {

	private static PostgresServer postgres;

	@BeforeAll
	static void startPostgres() {
		postgres = PostgresServer.start();
	}

	@AfterAll
	static void stopPostgres() {
		if (postgres != null) {
			postgres.close();
		}
	}

	@Override
	String jdbcUrl() {
		return postgres.jdbcUrl();
	}

	@Override
	String username() {
		return PostgresServer.USER;
	}

	@Override
	DataSource dataSource() {
		return postgres.dataSource();
	}

	@Override
	void failUpdates(JdbcTemplate jdbc) {
		jdbc.execute("CREATE OR REPLACE FUNCTION outbox_test_fail_update() RETURNS trigger AS $$ BEGIN "
				+ "RAISE EXCEPTION 'simulated crash before the rows are marked sent'; END $$ LANGUAGE plpgsql");
		jdbc.execute("CREATE TRIGGER outbox_test_fail_update BEFORE UPDATE ON lossless_outbox FOR EACH ROW "
				+ "EXECUTE FUNCTION outbox_test_fail_update()");
	}

	@Override
	void allowUpdates(JdbcTemplate jdbc) {
		jdbc.execute("DROP TRIGGER outbox_test_fail_update ON lossless_outbox");
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void indexTheWarningAsksForOnATableOfAnotherSchemaIsAccepted(CapturedOutput output) {
		String schema = "outbox_" + UUID.randomUUID().toString().substring(0, 8);
		jdbc().execute("CREATE SCHEMA " + schema);
		String table = createTable(schema + ".outbox");
		jdbc().execute("DROP INDEX " + schema + ".outbox_pending_by_lane");
		OutboxStore withoutIndex = new OutboxStore(dataSource(), table, WAIT);
		assertThat(withoutIndex.prepare(4)).isTrue();
		assertThat(withoutIndex.readsByLane()).isFalse();
		String warning = output.getOut();
		int start = warning.lastIndexOf("Add it: ");
		assertThat(start).as("the warning").isNotNegative();
		String createIndex = warning.substring(start + "Add it: ".length(), warning.indexOf(" (H2:", start));
		// PostgreSQL creates an index in its table's schema and refuses a qualified name
		jdbc().execute(createIndex);
		OutboxStore withIndex = new OutboxStore(dataSource(), table, WAIT);
		assertThat(withIndex.prepare(4)).isTrue();
		assertThat(withIndex.readsByLane()).isTrue();
	}

	@Test
	void rowOfATransactionThatCommitsAfterALaterRowIsPublishedToo() throws Exception {
		String topic = createTopic(1);
		try (ConfigurableApplicationContext application = run()) {
			OrderService orders = application.getBean(OrderService.class);
			TransactionTemplate transactions = new TransactionTemplate(
					application.getBean(PlatformTransactionManager.class));
			CountDownLatch inserted = new CountDownLatch(1);
			CountDownLatch commit = new CountDownLatch(1);
			// the early row takes the lower id, and its transaction commits last
			CompletableFuture<UUID> early = CompletableFuture.supplyAsync(() -> transactions.execute((status) -> {
				UUID id = orders.place(topic, "order-early", "early");
				inserted.countDown();
				try {
					assertThat(commit.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
				}
				catch (InterruptedException ex) {
					throw new IllegalStateException(ex);
				}
				return id;
			}));
			try {
				assertThat(inserted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
				UUID later = orders.place(topic, "order-later", "later");
				await().atMost(WAIT).until(() -> sentAt(later) != null);
			}
			finally {
				commit.countDown();
			}
			UUID earlyId = early.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(jdbc().queryForObject("SELECT id FROM lossless_outbox WHERE message_id = ?", Long.class,
					earlyId.toString()))
				.as("the early row's id")
				.isLessThan(jdbc().queryForObject("SELECT MAX(id) FROM lossless_outbox WHERE topic = ?", Long.class,
						topic));
			await().atMost(WAIT).until(() -> sentAt(earlyId) != null);
			List<ConsumerRecord<byte[], byte[]>> records = KafkaTestSupport.readAll(cluster.bootstrapServers(), topic,
					2);
			assertThat(records).extracting((record) -> OutboxMessage.messageId(record.headers()))
				.contains(earlyId.toString());
		}
	}

	@Test
	void rowSentAgainAfterADeliveryTimeoutKeepsTheStampOfItsFirstAttempt() throws Exception {
		String topic = createTopic(1);
		int broker = cluster.brokerIds().iterator().next();
		try (ConfigurableApplicationContext application = run()) {
			OrderService orders = application.getBean(OrderService.class);
			// the relay's producer learns the partition of the topic: the next send is
			// accepted and numbered even with the broker down
			UUID first = orders.place(topic, "order-1", "placed-1");
			await().atMost(WAIT).until(() -> sentAt(first) != null);
			UUID second;
			cluster.stopBroker(broker);
			try {
				second = orders.place(topic, "order-2", "placed-2");
				// numbered, then no acknowledgement within the delivery timeout
				await().atMost(WAIT)
					.until(() -> jdbc().queryForObject("SELECT attempts FROM lossless_outbox WHERE message_id = ?",
							Integer.class, second.toString()) > 0);
			}
			finally {
				cluster.startBroker(broker);
			}
			await().atMost(WAIT).until(() -> sentAt(second) != null);
			List<ConsumerRecord<byte[], byte[]>> records = KafkaTestSupport.readAll(cluster.bootstrapServers(), topic,
					(int) endOffsets(topic));
			assertThat(records).extracting((record) -> OutboxMessage.messageId(record.headers()))
				.containsSubsequence(first.toString(), second.toString());
			SequenceChecker checker = application.getBean(SequenceChecker.class);
			String group = KafkaTestSupport.unique("stamps");
			records.forEach((record) -> checker.check(group, record));
			assertThat(checker.statistics().checked()).isEqualTo(records.size());
			assertThat(checker.statistics().unresolvedRecords()).isZero();
			HealthIndicator sequence = (HealthIndicator) application
				.getBean("kafkaReliabilityHealthContributor", CompositeHealthContributor.class)
				.getContributor("sequence");
			assertThat(sequence.health().getStatus()).isEqualTo(Status.UP);
		}
	}

}
