package dev.lossless.kafka.outbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

import javax.sql.DataSource;

import org.h2.api.Trigger;
import org.h2.jdbcx.JdbcDataSource;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The transactional outbox on H2 2.x (in memory, shared by the applications of the
 * class).
 */
class H2OutboxIntegrationTests extends AbstractOutboxIntegrationTests {

	private static final String URL = "jdbc:h2:mem:outbox-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

	@Override
	String jdbcUrl() {
		return URL;
	}

	@Override
	String username() {
		return "sa";
	}

	@Override
	DataSource dataSource() {
		JdbcDataSource dataSource = new JdbcDataSource();
		dataSource.setURL(URL);
		dataSource.setUser("sa");
		return dataSource;
	}

	@Override
	void failUpdates(JdbcTemplate jdbc) {
		jdbc.execute("CREATE TRIGGER outbox_test_fail_update BEFORE UPDATE ON lossless_outbox FOR EACH ROW CALL \""
				+ FailingUpdate.class.getName() + "\"");
	}

	@Override
	void allowUpdates(JdbcTemplate jdbc) {
		jdbc.execute("DROP TRIGGER outbox_test_fail_update");
	}

	/**
	 * Fails every update it is attached to.
	 */
	public static class FailingUpdate implements Trigger {

		@Override
		public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
			throw new SQLException("simulated crash before the rows are marked sent");
		}

	}

}
