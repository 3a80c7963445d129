package dev.lossless.kafka.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the idempotent consumer. The schema's initialization, which
 * needs spring-jdbc, is bound by {@link IdempotentConsumerSchemaProperties}.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
@ConfigurationProperties("lossless.kafka.idempotent")
public class IdempotentConsumerProperties {

	/**
	 * Whether to provide the idempotent consumer's store and processor.
	 */
	private boolean enabled = true;

	/**
	 * Name of the table of processed message ids, optionally with a schema; the schema
	 * scripts create it under that name.
	 */
	private String tableName = "lossless_processed_message";

	/**
	 * How long a processed message id is kept; it must outlive redeliveries, send journal
	 * replays and outbox republishes of the message.
	 */
	private Duration retention = Duration.ofDays(7);

	/**
	 * Time between two removals of the processed message ids older than the retention.
	 */
	private Duration cleanupInterval = Duration.ofHours(1);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getTableName() {
		return this.tableName;
	}

	public void setTableName(String tableName) {
		this.tableName = tableName;
	}

	public Duration getRetention() {
		return this.retention;
	}

	public void setRetention(Duration retention) {
		this.retention = retention;
	}

	public Duration getCleanupInterval() {
		return this.cleanupInterval;
	}

	public void setCleanupInterval(Duration cleanupInterval) {
		this.cleanupInterval = cleanupInterval;
	}

}
