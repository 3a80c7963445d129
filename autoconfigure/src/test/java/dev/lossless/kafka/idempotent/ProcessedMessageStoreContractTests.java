package dev.lossless.kafka.idempotent;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * What every database's {@link JdbcProcessedMessageStore} must do: a message is marked
 * once per consumer, a rollback forgets the mark, a concurrent mark of the same message
 * waits for the first transaction and sees its outcome.
 */
abstract class ProcessedMessageStoreContractTests {

	private JdbcProcessedMessageStore store;

	private TransactionTemplate transactions;

	private JdbcTemplate jdbc;

	protected abstract DataSource dataSource();

	protected abstract String platform();

	@BeforeEach
	void createTable() {
		DataSource dataSource = dataSource();
		this.jdbc = new JdbcTemplate(dataSource);
		this.jdbc.execute("DROP TABLE IF EXISTS lossless_processed_message");
		new ResourceDatabasePopulator(
				new ClassPathResource("dev/lossless/kafka/idempotent/schema-" + platform() + ".sql"))
			.execute(dataSource);
		this.store = new JdbcProcessedMessageStore(dataSource, JdbcProcessedMessageStore.DEFAULT_TABLE_NAME);
		this.transactions = new TransactionTemplate(new JdbcTransactionManager(dataSource));
	}

	@Test
	void messageIsMarkedOncePerConsumer() {
		assertThat(inTransaction(() -> this.store.markProcessed("billing", "m-1"))).isTrue();
		assertThat(inTransaction(() -> this.store.markProcessed("billing", "m-1"))).isFalse();
		assertThat(inTransaction(() -> this.store.markProcessed("shipping", "m-1"))).isTrue();
	}

	@Test
	void duplicateMarkLeavesTheTransactionUsable() {
		inTransaction(() -> this.store.markProcessed("billing", "m-1"));
		int marked = this.transactions.execute((status) -> {
			assertThat(this.store.markProcessed("billing", "m-1")).isFalse();
			assertThat(this.store.markProcessed("billing", "m-2")).isTrue();
			return this.jdbc.queryForObject("SELECT COUNT(*) FROM lossless_processed_message", Integer.class);
		});
		assertThat(marked).isEqualTo(2);
	}

	@Test
	void rollbackForgetsTheMark() {
		this.transactions.executeWithoutResult((status) -> {
			assertThat(this.store.markProcessed("billing", "m-1")).isTrue();
			status.setRollbackOnly();
		});
		assertThat(inTransaction(() -> this.store.markProcessed("billing", "m-1"))).isTrue();
	}

	@Test
	void concurrentMarkWaitsForTheFirstTransactionAndSeesItsCommit() throws Exception {
		CountDownLatch marked = new CountDownLatch(1);
		CountDownLatch commit = new CountDownLatch(1);
		CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(() -> inTransaction(() -> {
			boolean result = this.store.markProcessed("billing", "m-1");
			marked.countDown();
			await(commit);
			return result;
		}));
		await(marked);
		CompletableFuture<Boolean> second = CompletableFuture
			.supplyAsync(() -> inTransaction(() -> this.store.markProcessed("billing", "m-1")));
		Awaitility.await()
			.atMost(WAIT)
			.untilAsserted(() -> assertThat(this.jdbc.queryForObject(blockedSessionsQuery(), Integer.class))
				.as("sessions waiting for another's lock")
				.isOne());
		commit.countDown();
		assertThat(first.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		assertThat(secondOutcome(second)).isFalse();
	}

	@Test
	void oldMarksAreRemoved() {
		inTransaction(() -> this.store.markProcessed("billing", "m-1"));
		assertThat(this.store.removeProcessedBefore(Instant.now().minusSeconds(60))).isZero();
		assertThat(this.store.removeProcessedBefore(Instant.now().plusSeconds(60))).isOne();
		assertThat(inTransaction(() -> this.store.markProcessed("billing", "m-1"))).isTrue();
	}

	@Test
	void missingTableIsReportedClearly() {
		JdbcProcessedMessageStore missing = new JdbcProcessedMessageStore(dataSource(), "no_such_table");
		assertThatIllegalStateException().isThrownBy(() -> missing.markProcessed("billing", "m-1"))
			.withMessageContaining("'no_such_table'")
			.withMessageContaining("schema-<platform>.sql");
	}

	/**
	 * Return a query that counts the sessions waiting for a lock another session holds.
	 * @return the query
	 */
	protected abstract String blockedSessionsQuery();

	/**
	 * The second mark's outcome: {@code false} when it saw the first one's commit, or an
	 * exception (the listener fails and is retried, then sees the mark) where the
	 * database reports the conflict as an error.
	 * @param second the second mark
	 * @return whether the second mark was new
	 * @throws Exception on a timeout
	 */
	protected boolean secondOutcome(CompletableFuture<Boolean> second) throws Exception {
		return second.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
	}

	private <T> T inTransaction(Supplier<T> action) {
		return this.transactions.execute((status) -> action.get());
	}

	private static void await(CountDownLatch latch) {
		try {
			assertThat(latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
