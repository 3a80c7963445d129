package dev.lossless.kafka.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.init.DatabaseInitializationProperties;

/**
 * How the outbox tables are created: {@code lossless.kafka.outbox.initialize-schema},
 * {@code schema}, {@code platform} and {@code continue-on-error}, as Spring Boot's own
 * JDBC stores do.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
@ConfigurationProperties("lossless.kafka.outbox")
public class OutboxSchemaProperties extends DatabaseInitializationProperties {

	private static final String DEFAULT_SCHEMA_LOCATION = "classpath:dev/lossless/kafka/outbox/schema-@@platform@@.sql";

	@Override
	public String getDefaultSchemaLocation() {
		return DEFAULT_SCHEMA_LOCATION;
	}

}
