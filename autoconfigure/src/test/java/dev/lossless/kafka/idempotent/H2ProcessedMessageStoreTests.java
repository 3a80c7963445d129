package dev.lossless.kafka.idempotent;

import javax.sql.DataSource;

import dev.lossless.kafka.KafkaTestSupport;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * {@link ProcessedMessageStoreContractTests} on H2.
 */
class H2ProcessedMessageStoreTests extends ProcessedMessageStoreContractTests {

	private final DataSource dataSource = new DriverManagerDataSource(
			"jdbc:h2:mem:" + KafkaTestSupport.unique("processed") + ";DB_CLOSE_DELAY=-1");

	@Override
	protected DataSource dataSource() {
		return this.dataSource;
	}

	@Override
	protected String platform() {
		return "h2";
	}

}
