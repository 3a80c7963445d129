package dev.lossless.kafka.testcluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests for {@link PostgresServer}.
 *
 * @author Lossless Kafka team
 */
class PostgresServerTests {

	@Test
	void startsAServerThatKeepsCommittedRowsAndStopsOnClose() throws Exception {
		int port;
		try (PostgresServer postgres = PostgresServer.start(Map.of("max_connections", "50"))) {
			port = postgres.port();
			try (Connection connection = postgres.dataSource().getConnection();
					Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(20))");
				statement.execute("INSERT INTO items VALUES (1, 'one'), (2, 'two')");
				try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM items")) {
					assertThat(rows.next()).isTrue();
					assertThat(rows.getLong(1)).isEqualTo(2);
				}
				try (ResultSet setting = statement.executeQuery("SHOW max_connections")) {
					assertThat(setting.next()).isTrue();
					assertThat(setting.getString(1)).isEqualTo("50");
				}
			}
			String url = postgres.createDatabase("second_db");
			assertThat(url).isEqualTo(postgres.jdbcUrl("second_db"));
			try (Connection connection = postgres.dataSource("second_db").getConnection()) {
				assertThat(connection.getMetaData().getDatabaseProductVersion()).startsWith("17.");
			}
		}
		try (java.net.Socket socket = new java.net.Socket()) {
			assertThatException()
				.isThrownBy(() -> socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1_000));
		}
	}

	@Test
	void runsTwoServersSideBySideFromOneExtraction() throws Exception {
		try (PostgresServer first = PostgresServer.start(); PostgresServer second = PostgresServer.start()) {
			assertThat(first.port()).isNotEqualTo(second.port());
			for (PostgresServer server : new PostgresServer[] { first, second }) {
				try (Connection connection = server.dataSource().getConnection();
						Statement statement = connection.createStatement();
						ResultSet rows = statement.executeQuery("SELECT current_setting('data_directory')")) {
					assertThat(rows.next()).isTrue();
					assertThat(Files.isDirectory(Path.of(rows.getString(1)))).isTrue();
				}
			}
		}
	}

}
