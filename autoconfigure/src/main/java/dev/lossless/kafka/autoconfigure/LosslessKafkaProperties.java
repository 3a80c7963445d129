package dev.lossless.kafka.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.lossless.kafka.rules.Enforcement;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.Assert;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of the Lossless Kafka starter.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
@ConfigurationProperties("lossless.kafka")
public class LosslessKafkaProperties {

	/**
	 * Whether to harden the application's Kafka clients and enforce the durability rules.
	 */
	private boolean enabled = true;

	/**
	 * What to do at startup when a durability rule is violated and its risk is not
	 * accepted.
	 */
	private Enforcement enforcement = Enforcement.FAIL;

	/**
	 * Rule ids whose risk is accepted knowingly, optionally narrowed to one subject with
	 * "id:subject" (for example "topic.replication-factor:orders").
	 */
	private List<String> acceptedRisks = new ArrayList<>();

	private final Producer producer = new Producer();

	private final Consumer consumer = new Consumer();

	private final Dlt dlt = new Dlt();

	private final Topics topics = new Topics();

	private final Sequence sequence = new Sequence();

	private final ExactlyOnce exactlyOnce = new ExactlyOnce();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Enforcement getEnforcement() {
		return this.enforcement;
	}

	public void setEnforcement(Enforcement enforcement) {
		this.enforcement = enforcement;
	}

	public List<String> getAcceptedRisks() {
		return this.acceptedRisks;
	}

	public void setAcceptedRisks(List<String> acceptedRisks) {
		this.acceptedRisks = acceptedRisks;
	}

	public Producer getProducer() {
		return this.producer;
	}

	public Consumer getConsumer() {
		return this.consumer;
	}

	public Dlt getDlt() {
		return this.dlt;
	}

	public Topics getTopics() {
		return this.topics;
	}

	public Sequence getSequence() {
		return this.sequence;
	}

	public ExactlyOnce getExactlyOnce() {
		return this.exactlyOnce;
	}

	public static class Producer {

		/**
		 * Upper bound on the time to report success or failure of a send, retries
		 * included. Applied as "delivery.timeout.ms" unless that key is set in
		 * spring.kafka.producer.properties.
		 */
		private Duration deliveryTimeout = Duration.ofMinutes(2);

		private final Journal journal = new Journal();

		public Duration getDeliveryTimeout() {
			return this.deliveryTimeout;
		}

		public void setDeliveryTimeout(Duration deliveryTimeout) {
			this.deliveryTimeout = deliveryTimeout;
		}

		public Journal getJournal() {
			return this.journal;
		}

	}

	public static class Journal {

		/**
		 * Whether to save records whose send failed for good with a retriable error in a
		 * local journal and send them again once the cluster answers.
		 */
		private boolean enabled = true;

		/**
		 * Base directory of the send journal; each application instance takes a free
		 * "slot-N" directory in it. Put it on a persistent volume. When it is not set and
		 * a test framework starts the application, a temporary directory is used.
		 */
		private String directory = ".lossless-kafka/journal";

		/**
		 * Most disk space the journal may take; a failed send that does not fit is
		 * refused with an exception.
		 */
		private DataSize maxSize = DataSize.ofMegabytes(256);

		/**
		 * Size of the journal's segment files.
		 */
		private DataSize segmentSize = DataSize.ofMegabytes(16);

		/**
		 * Most journal entries sent again in one round.
		 */
		private int replayBatchSize = 500;

		/**
		 * Wait after a first failed replay round; doubled after each further failure.
		 */
		private Duration replayBackOff = Duration.ofSeconds(1);

		/**
		 * Longest wait between two replay rounds.
		 */
		private Duration replayMaxBackOff = Duration.ofSeconds(30);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getDirectory() {
			return this.directory;
		}

		public void setDirectory(String directory) {
			this.directory = directory;
		}

		public DataSize getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(DataSize maxSize) {
			this.maxSize = maxSize;
		}

		public DataSize getSegmentSize() {
			return this.segmentSize;
		}

		public void setSegmentSize(DataSize segmentSize) {
			this.segmentSize = segmentSize;
		}

		public int getReplayBatchSize() {
			return this.replayBatchSize;
		}

		public void setReplayBatchSize(int replayBatchSize) {
			this.replayBatchSize = replayBatchSize;
		}

		public Duration getReplayBackOff() {
			return this.replayBackOff;
		}

		public void setReplayBackOff(Duration replayBackOff) {
			this.replayBackOff = replayBackOff;
		}

		public Duration getReplayMaxBackOff() {
			return this.replayMaxBackOff;
		}

		public void setReplayMaxBackOff(Duration replayMaxBackOff) {
			this.replayMaxBackOff = replayMaxBackOff;
		}

	}

	public static class Consumer {

		/**
		 * Time a stopping listener container waits for the records in hand to be
		 * processed and their offsets committed.
		 */
		private Duration shutdownTimeout = Duration.ofSeconds(30);

		private final Retry retry = new Retry();

		private final Lag lag = new Lag();

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

		public Retry getRetry() {
			return this.retry;
		}

		public Lag getLag() {
			return this.lag;
		}

	}

	public static class Lag {

		/**
		 * Whether to watch the lag of the application's consumer groups and their
		 * distance to retention.
		 */
		private boolean enabled = true;

		/**
		 * Time between two inspections of the consumer groups' offsets.
		 */
		private Duration interval = Duration.ofSeconds(30);

		/**
		 * Bound on one whole inspection of the consumer groups' offsets.
		 */
		private Duration timeout = Duration.ofSeconds(5);

		/**
		 * Fraction of the records a partition retains that a consumer group may still
		 * have to read before it is reported at risk of losing records to retention.
		 */
		private double riskThreshold = 0.8;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public double getRiskThreshold() {
			return this.riskThreshold;
		}

		public void setRiskThreshold(double riskThreshold) {
			this.riskThreshold = riskThreshold;
		}

	}

	public static class Retry {

		/**
		 * Total number of delivery attempts of a failing record, the first one included,
		 * before it is published to the dead-letter topic.
		 */
		private int attempts = 3;

		/**
		 * Back-off before the first redelivery.
		 */
		private Duration initialInterval = Duration.ofSeconds(1);

		/**
		 * Factor applied to the back-off after each failed attempt.
		 */
		private double multiplier = 2.0;

		/**
		 * Longest back-off between two attempts.
		 */
		private Duration maxInterval = Duration.ofSeconds(10);

		/**
		 * Exceptions that are published to the dead-letter topic at once, without
		 * redelivery, in addition to spring-kafka's own list (deserialization and
		 * conversion failures among them).
		 */
		private List<Class<? extends Exception>> nonRetryableExceptions = new ArrayList<>();

		public int getAttempts() {
			return this.attempts;
		}

		public void setAttempts(int attempts) {
			this.attempts = attempts;
		}

		public Duration getInitialInterval() {
			return this.initialInterval;
		}

		public void setInitialInterval(Duration initialInterval) {
			this.initialInterval = initialInterval;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(Duration maxInterval) {
			this.maxInterval = maxInterval;
		}

		public List<Class<? extends Exception>> getNonRetryableExceptions() {
			return this.nonRetryableExceptions;
		}

		public void setNonRetryableExceptions(List<Class<? extends Exception>> nonRetryableExceptions) {
			this.nonRetryableExceptions = nonRetryableExceptions;
		}

	}

	public static class Dlt {

		/**
		 * Suffix appended to a topic's name to name its dead-letter topic.
		 */
		private String suffix = "-dlt";

		/**
		 * Whether to create missing dead-letter topics at startup, with the source
		 * topic's partition count and replication factor.
		 */
		private boolean autoCreate = true;

		/**
		 * Retention of the dead-letter topics the starter creates. By default they keep
		 * their records until an operator removes them.
		 */
		private @Nullable Duration retention;

		/**
		 * Shortest retention a dead-letter topic may have (rule topic.dlt-retention).
		 */
		private Duration minRetention = Duration.ofDays(30);

		/**
		 * Whether the deadletters endpoint shows record values, which may hold personal
		 * data.
		 */
		private boolean showValues;

		/**
		 * Most entries of each dead-letter topic that one read of the deadletters
		 * endpoint lists.
		 */
		private int pageSize = 20;

		/**
		 * Most records of each dead-letter topic read to count them by exception class.
		 */
		private int scanLimit = 10_000;

		/**
		 * Bound on one inspection of the dead-letter topics and on each broker call of a
		 * redrive.
		 */
		private Duration timeout = Duration.ofSeconds(10);

		/**
		 * Times a dead letter may be redriven; one dead-lettered again after that many
		 * redrives is parked in its dead-letter topic instead.
		 */
		private int maxRedrives = 3;

		/**
		 * Most dead letters republished in one redrive round, whose acknowledgements are
		 * awaited before the round's progress is committed.
		 */
		private int redriveBatchSize = 100;

		public String getSuffix() {
			return this.suffix;
		}

		public void setSuffix(String suffix) {
			// an empty suffix would make every topic its own dead-letter topic; the
			// characters are those Kafka allows in a topic name
			Assert.isTrue(suffix.matches("[a-zA-Z0-9._-]+"),
					() -> "lossless.kafka.dlt.suffix '" + suffix + "' cannot name a dead-letter topic: it must be "
							+ "non-empty and use only the characters Kafka allows in topic names (a-z, A-Z, 0-9, '.', "
							+ "'_', '-')");
			this.suffix = suffix;
		}

		public boolean isAutoCreate() {
			return this.autoCreate;
		}

		public void setAutoCreate(boolean autoCreate) {
			this.autoCreate = autoCreate;
		}

		public @Nullable Duration getRetention() {
			return this.retention;
		}

		public void setRetention(@Nullable Duration retention) {
			this.retention = retention;
		}

		public Duration getMinRetention() {
			return this.minRetention;
		}

		public void setMinRetention(Duration minRetention) {
			this.minRetention = minRetention;
		}

		public boolean isShowValues() {
			return this.showValues;
		}

		public void setShowValues(boolean showValues) {
			this.showValues = showValues;
		}

		public int getPageSize() {
			return this.pageSize;
		}

		public void setPageSize(int pageSize) {
			this.pageSize = pageSize;
		}

		public int getScanLimit() {
			return this.scanLimit;
		}

		public void setScanLimit(int scanLimit) {
			this.scanLimit = scanLimit;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public int getMaxRedrives() {
			return this.maxRedrives;
		}

		public void setMaxRedrives(int maxRedrives) {
			this.maxRedrives = maxRedrives;
		}

		public int getRedriveBatchSize() {
			return this.redriveBatchSize;
		}

		public void setRedriveBatchSize(int redriveBatchSize) {
			this.redriveBatchSize = redriveBatchSize;
		}

	}

	public static class Topics {

		/**
		 * Lowest replication factor a topic may have.
		 */
		private int minReplicationFactor = 3;

		/**
		 * Topics to audit in addition to those of the application's listeners and
		 * NewTopic beans.
		 */
		private List<String> verify = new ArrayList<>();

		/**
		 * Bound on every Admin call made to audit or create topics and to check the
		 * brokers' health.
		 */
		private Duration timeout = Duration.ofSeconds(5);

		/**
		 * How long the topics health keeps its audit of the topics before it describes
		 * them again; zero describes them on every health request.
		 */
		private Duration healthCacheTimeToLive = Duration.ofSeconds(30);

		public int getMinReplicationFactor() {
			return this.minReplicationFactor;
		}

		public void setMinReplicationFactor(int minReplicationFactor) {
			this.minReplicationFactor = minReplicationFactor;
		}

		public List<String> getVerify() {
			return this.verify;
		}

		public void setVerify(List<String> verify) {
			this.verify = verify;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getHealthCacheTimeToLive() {
			return this.healthCacheTimeToLive;
		}

		public void setHealthCacheTimeToLive(Duration healthCacheTimeToLive) {
			this.healthCacheTimeToLive = healthCacheTimeToLive;
		}

	}

	public static class Sequence {

		/**
		 * Whether to stamp every sent record with a per-partition sequence number and
		 * check the numbers of every received record for gaps and duplicates.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	public static class ExactlyOnce {

		/**
		 * Whether listener containers process records in Kafka transactions: a
		 * transactional producer, and a Kafka transaction manager on the listener
		 * containers, so that a listener's sends and its input offsets are committed
		 * together.
		 */
		private boolean enabled;

		/**
		 * Prefix of the transactional.id of the application's producers; it must be
		 * unique to each running instance of the application. When not set, the
		 * application name followed by a random part new at each start. Ignored when
		 * spring.kafka.producer.transaction-id-prefix is set.
		 */
		private @Nullable String transactionIdPrefix;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable String getTransactionIdPrefix() {
			return this.transactionIdPrefix;
		}

		public void setTransactionIdPrefix(@Nullable String transactionIdPrefix) {
			this.transactionIdPrefix = transactionIdPrefix;
		}

	}

}
