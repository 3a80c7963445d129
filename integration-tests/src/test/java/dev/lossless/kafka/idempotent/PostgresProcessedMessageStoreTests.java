package dev.lossless.kafka.idempotent;

import javax.sql.DataSource;

import dev.lossless.kafka.testcluster.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link ProcessedMessageStoreContractTests} on a real PostgreSQL server.
 */
class PostgresProcessedMessageStoreTests extends ProcessedMessageStoreContractTests {

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
	protected DataSource dataSource() {
		return postgres.dataSource();
	}

	@Override
	protected String blockedSessionsQuery() {
		return "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'";
	}

	@Override
	protected String platform() {
		return "postgresql";
	}

}
