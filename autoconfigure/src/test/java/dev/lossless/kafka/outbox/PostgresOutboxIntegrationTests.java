package dev.lossless.kafka.outbox;

import javax.sql.DataSource;

import dev.lossless.kafka.testcluster.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The transactional outbox on a real PostgreSQL server.
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

}
