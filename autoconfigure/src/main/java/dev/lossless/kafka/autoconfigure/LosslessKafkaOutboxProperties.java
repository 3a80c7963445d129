package dev.lossless.kafka.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the transactional outbox.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
@ConfigurationProperties("lossless.kafka.outbox")
public class LosslessKafkaOutboxProperties {

	/**
	 * Whether to provide the transactional outbox (OutboxPublisher and its relay) when
	 * the application has a DataSource.
	 */
	private boolean enabled = true;

	/**
	 * Name of the outbox table, optionally with a schema; the lane table is named after
	 * it with "_lane".
	 */
	private String tableName = "lossless_outbox";

	/**
	 * Most rows published in one relay round.
	 */
	private int batchSize = 500;

	/**
	 * Time between two looks at the outbox table when no commit in this instance wakes
	 * the relay up.
	 */
	private Duration pollInterval = Duration.ofSeconds(1);

	/**
	 * Number of lanes: rows of one key share a lane and are published in order by one
	 * relay at a time. Every instance must use the same number.
	 */
	private int lanes = 16;

	/**
	 * Wait after a first failed relay round; doubled after each further failure.
	 */
	private Duration backOff = Duration.ofSeconds(1);

	/**
	 * Longest wait between two failed relay rounds.
	 */
	private Duration maxBackOff = Duration.ofSeconds(30);

	private final Cleanup cleanup = new Cleanup();

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

	public int getBatchSize() {
		return this.batchSize;
	}

	public void setBatchSize(int batchSize) {
		this.batchSize = batchSize;
	}

	public Duration getPollInterval() {
		return this.pollInterval;
	}

	public void setPollInterval(Duration pollInterval) {
		this.pollInterval = pollInterval;
	}

	public int getLanes() {
		return this.lanes;
	}

	public void setLanes(int lanes) {
		this.lanes = lanes;
	}

	public Duration getBackOff() {
		return this.backOff;
	}

	public void setBackOff(Duration backOff) {
		this.backOff = backOff;
	}

	public Duration getMaxBackOff() {
		return this.maxBackOff;
	}

	public void setMaxBackOff(Duration maxBackOff) {
		this.maxBackOff = maxBackOff;
	}

	public Cleanup getCleanup() {
		return this.cleanup;
	}

	public static class Cleanup {

		/**
		 * How long rows are kept after they were sent; older sent rows are deleted.
		 */
		private Duration retention = Duration.ofHours(1);

		/**
		 * Time between two deletions of old sent rows.
		 */
		private Duration interval = Duration.ofMinutes(1);

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			this.retention = retention;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

	}

}
