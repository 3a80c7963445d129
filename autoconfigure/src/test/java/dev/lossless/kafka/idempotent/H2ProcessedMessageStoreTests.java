package dev.lossless.kafka.idempotent;

import javax.sql.DataSource;

import dev.lossless.kafka.KafkaTestSupport;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * {@link ProcessedMessageStoreContractTests} on H2. H2 does not name a waiting session's
 * blocker, so the test finds the waiting insert by its statement; its default lock
 * timeout (1 s) is raised, or the waiting mark fails (and its listener is retried).
 */
class H2ProcessedMessageStoreTests extends ProcessedMessageStoreContractTests {

	private final DataSource dataSource = new DriverManagerDataSource(
			"jdbc:h2:mem:" + KafkaTestSupport.unique("processed") + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=60000");

	@Override
	protected DataSource dataSource() {
		return this.dataSource;
	}

	@Override
	protected String blockedSessionsQuery() {
		return "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS "
				+ "WHERE EXECUTING_STATEMENT LIKE 'INSERT INTO lossless_processed_message%'";
	}

	@Override
	protected String platform() {
		return "h2";
	}

}
