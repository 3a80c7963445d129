package dev.lossless.kafka.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.init.DatabaseInitializationProperties;

/**
 * How the table of the idempotent consumer's processed message ids is created:
 * {@code lossless.kafka.idempotent.initialize-schema}, {@code schema}, {@code platform}
 * and {@code continue-on-error}, as Spring Boot's own JDBC stores do. Bound only when
 * spring-jdbc is on the class path.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
@ConfigurationProperties("lossless.kafka.idempotent")
public class IdempotentConsumerSchemaProperties extends DatabaseInitializationProperties {

	private static final String DEFAULT_SCHEMA_LOCATION = "classpath:dev/lossless/kafka/idempotent/schema-@@platform@@.sql";

	@Override
	public String getDefaultSchemaLocation() {
		return DEFAULT_SCHEMA_LOCATION;
	}

}
