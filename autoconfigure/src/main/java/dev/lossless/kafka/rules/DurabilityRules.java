package dev.lossless.kafka.rules;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import dev.lossless.kafka.topics.ShareGroupState;
import dev.lossless.kafka.topics.TopicState;
import dev.lossless.kafka.topics.TopicState.Setting;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.kafka.listener.FailedRecordProcessor;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.listener.ShareKafkaMessageListenerContainer;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.util.ClassUtils;

/**
 * The catalogue of durability rules: every rule the starter enforces is defined here
 * once, and startup enforcement, the {@code kafkareliability} endpoint, the health and
 * the README's rule table all read it.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class DurabilityRules {

	/**
	 * The id of the rule on a dead-letter topic's retention.
	 */
	public static final String TOPIC_DLT_RETENTION = "topic.dlt-retention";

	private static final String ACKS_ALL = "all";

	/**
	 * The most requests in flight an idempotent producer may have (Kafka's
	 * {@code MAX_IN_FLIGHT_REQUESTS_FOR_IDEMPOTENCE}, which is not public).
	 */
	private static final int MAX_IN_FLIGHT_FOR_IDEMPOTENCE = 5;

	private static final Map<String, Object> KAFKA_PRODUCER_DEFAULTS = ProducerConfig.configDef().defaultValues();

	private static final String DEFAULT_DEAD_LETTER_SUFFIX = "-dlt";

	private static final Duration DEFAULT_MIN_DEAD_LETTER_RETENTION = Duration.ofDays(30);

	private static final String NO_DEAD_LETTER_SERIALIZER = " (no matching serializer)";

	private final List<Rule<ClientSettings>> producerRules;

	private final List<Rule<ClientSettings>> consumerRules;

	private final List<Rule<MessageListenerContainer>> listenerRules;

	private final Rule<TopicState> topicExists;

	private final List<Rule<TopicState>> topicRules;

	private final int minReplicationFactor;

	private final Rule<TopicState> topicReplicationFactor;

	private final Rule<TopicState> topicMinInsyncReplicas;

	private final List<Rule<MessageListenerContainer>> shareListenerRules;

	private final List<Rule<ClientSettings>> shareConsumerRules;

	private final List<Rule<ShareGroupState>> shareGroupRules;

	/**
	 * Create the catalogue for an application without exactly-once processing.
	 * @param minReplicationFactor the lowest replication factor a topic may have
	 */
	public DurabilityRules(int minReplicationFactor) {
		this(minReplicationFactor, false);
	}

	/**
	 * Create the catalogue.
	 * @param minReplicationFactor the lowest replication factor a topic may have
	 * @param exactlyOnce whether the application asked for exactly-once processing, which
	 * every listener container must then provide
	 */
	public DurabilityRules(int minReplicationFactor, boolean exactlyOnce) {
		this(minReplicationFactor, exactlyOnce, DEFAULT_DEAD_LETTER_SUFFIX, DEFAULT_MIN_DEAD_LETTER_RETENTION);
	}

	/**
	 * Create the catalogue.
	 * @param minReplicationFactor the lowest replication factor a topic may have
	 * @param exactlyOnce whether the application asked for exactly-once processing, which
	 * every listener container must then provide
	 * @param deadLetterSuffix the suffix that names dead-letter topics
	 * @param minDeadLetterRetention the shortest retention a dead-letter topic may have
	 * @since 0.2.0
	 */
	public DurabilityRules(int minReplicationFactor, boolean exactlyOnce, String deadLetterSuffix,
			Duration minDeadLetterRetention) {
		this.producerRules = List.of(producerAcks(), producerIdempotence(), producerRetries(), producerMaxInFlight());
		this.consumerRules = List.of(consumerAutoCommit(), consumerAutoOffsetReset(), consumerIsolationLevel(),
				consumerDeserializers(), consumerDeadLetterSerializers());
		this.listenerRules = List.of(listenerErrorHandler(), listenerSyncCommits(), listenerExactlyOnce(exactlyOnce));
		this.topicExists = topicExistsRule(minReplicationFactor);
		this.minReplicationFactor = minReplicationFactor;
		this.topicReplicationFactor = topicReplicationFactorRule(minReplicationFactor);
		this.topicMinInsyncReplicas = topicMinInsyncReplicasRule();
		this.topicRules = List.of(this.topicExists, this.topicReplicationFactor, this.topicMinInsyncReplicas,
				topicUncleanLeaderElection(), topicDeadLetterRetention(deadLetterSuffix, minDeadLetterRetention));
		this.shareListenerRules = List.of(shareAckMode());
		this.shareConsumerRules = List.of(shareDeserializers());
		this.shareGroupRules = List.of(shareAutoOffsetReset(), shareIsolationLevel());
	}

	/**
	 * Return the lowest replication factor a topic may have.
	 * @return the replication factor
	 * @since 0.2.0
	 */
	public int minReplicationFactor() {
		return this.minReplicationFactor;
	}

	/**
	 * Return the rule on a topic's replication factor.
	 * @return the rule
	 * @since 0.2.0
	 */
	public Rule<TopicState> topicReplicationFactor() {
		return this.topicReplicationFactor;
	}

	/**
	 * Return the rule on a topic's {@code min.insync.replicas}.
	 * @return the rule
	 * @since 0.2.0
	 */
	public Rule<TopicState> topicMinInsyncReplicas() {
		return this.topicMinInsyncReplicas;
	}

	public List<Rule<ClientSettings>> producerRules() {
		return this.producerRules;
	}

	public List<Rule<ClientSettings>> consumerRules() {
		return this.consumerRules;
	}

	public List<Rule<MessageListenerContainer>> listenerRules() {
		return this.listenerRules;
	}

	public List<Rule<TopicState>> topicRules() {
		return this.topicRules;
	}

	/**
	 * Return the rules for share listener containers (KIP-932).
	 * @return the share listener rules
	 * @since 0.2.0
	 */
	public List<Rule<MessageListenerContainer>> shareListenerRules() {
		return this.shareListenerRules;
	}

	/**
	 * Return the rules for share consumer factories (KIP-932).
	 * @return the share consumer rules
	 * @since 0.2.0
	 */
	public List<Rule<ClientSettings>> shareConsumerRules() {
		return this.shareConsumerRules;
	}

	/**
	 * Return the rules for the group configs of the application's share groups.
	 * @return the share group rules
	 * @since 0.2.0
	 */
	public List<Rule<ShareGroupState>> shareGroupRules() {
		return this.shareGroupRules;
	}

	/**
	 * Return the rule that a topic exists, the only topic rule that applies to a missing
	 * topic.
	 * @return the rule
	 */
	public Rule<TopicState> topicExists() {
		return this.topicExists;
	}

	/**
	 * Return every rule, in catalogue order.
	 * @return every rule
	 */
	public List<Rule<?>> all() {
		List<Rule<?>> all = new ArrayList<>();
		all.addAll(this.producerRules);
		all.addAll(this.consumerRules);
		all.addAll(this.listenerRules);
		all.addAll(this.topicRules);
		all.addAll(this.shareListenerRules);
		all.addAll(this.shareConsumerRules);
		all.addAll(this.shareGroupRules);
		return Collections.unmodifiableList(all);
	}

	private static Rule<ClientSettings> producerAcks() {
		return new Rule<>("producer.acks", Stage.PRODUCER, ProducerConfig.ACKS_CONFIG, "all",
				"With acks=0 or acks=1 a record is acknowledged before the followers have copied it; when the leader "
						+ "fails, acknowledged records vanish. acks other than all also turns idempotence off.",
				"Remove the setting, or set spring.kafka.producer.acks=all.", (settings) -> {
					String acks = settings.get(ProducerConfig.ACKS_CONFIG);
					if (acks == null) {
						return new Reading(true, kafkaDefault(ProducerConfig.ACKS_CONFIG) + " (Kafka default)");
					}
					return new Reading(isAcksAll(acks), acks);
				});
	}

	private static Rule<ClientSettings> producerIdempotence() {
		return new Rule<>("producer.idempotence", Stage.PRODUCER, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
				"Without idempotence a retried send can be written twice, and a retry after a lost response can be "
						+ "reordered behind later records; the broker also stops detecting gaps in the sequence.",
				"Remove the setting, or set spring.kafka.producer.properties[enable.idempotence]=true "
						+ "(idempotence needs acks=all, retries > 0 and at most 5 requests in flight).",
				(settings) -> {
					String explicit = settings.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
					String refusal = clientRefusal(settings);
					if (refusal != null) {
						return new Reading(false, (explicit != null) ? explicit : "true (Kafka default)", null,
								refusal);
					}
					if (explicit != null) {
						return new Reading(Boolean.parseBoolean(explicit), explicit);
					}
					Conflict conflict = implicitConflict(settings);
					if (conflict != null) {
						return new Reading(false, "false (turned off implicitly by " + conflict.setting() + ")",
								conflict.ruleId(), null);
					}
					return new Reading(true,
							kafkaDefault(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG) + " (Kafka default)");
				});
	}

	private static Rule<ClientSettings> producerRetries() {
		return new Rule<>("producer.retries", Stage.PRODUCER, ProducerConfig.RETRIES_CONFIG,
				"> 0 (Integer.MAX_VALUE, bounded by delivery.timeout.ms)",
				"With retries=0 a transient error (a leader election, a full request queue) fails the send at once "
						+ "instead of retrying until delivery.timeout.ms.",
				"Remove the setting; bound the time spent retrying with lossless.kafka.producer.delivery-timeout.",
				(settings) -> {
					String retries = settings.get(ProducerConfig.RETRIES_CONFIG);
					if (retries == null) {
						return new Reading(true, kafkaDefault(ProducerConfig.RETRIES_CONFIG) + " (Kafka default)");
					}
					return new Reading(Integer.parseInt(retries) > 0, retries);
				});
	}

	private static Rule<ClientSettings> producerMaxInFlight() {
		return new Rule<>("producer.max-in-flight", Stage.PRODUCER,
				ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "<= " + MAX_IN_FLIGHT_FOR_IDEMPOTENCE,
				"With more than 5 requests in flight the producer cannot be idempotent, so a retried batch can land "
						+ "behind a later one, or twice.",
				"Remove the setting, or set spring.kafka.producer.properties[max.in.flight.requests.per.connection] "
						+ "to 5 or less.",
				(settings) -> {
					String inFlight = settings.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
					if (inFlight == null) {
						return new Reading(true, kafkaDefault(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION)
								+ " (Kafka default)");
					}
					return new Reading(Integer.parseInt(inFlight) <= MAX_IN_FLIGHT_FOR_IDEMPOTENCE, inFlight);
				});
	}

	private static Rule<ClientSettings> consumerAutoCommit() {
		return new Rule<>("consumer.auto-commit", Stage.CONSUMER, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
				"Auto-commit commits offsets on a timer, whether or not the records were processed; a crash after "
						+ "the commit and before processing loses those records.",
				"Remove the setting, or set spring.kafka.consumer.enable-auto-commit=false.", (settings) -> {
					String autoCommit = settings.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG);
					if (autoCommit == null) {
						return new Reading(true, "false (spring-kafka default)");
					}
					return new Reading(!Boolean.parseBoolean(autoCommit), autoCommit);
				});
	}

	private static Rule<ClientSettings> consumerAutoOffsetReset() {
		return new Rule<>("consumer.auto-offset-reset", Stage.CONSUMER, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
				"earliest",
				"With latest, a group with no committed offset (a new group, a new partition, expired offsets) "
						+ "starts at the end of the log and never sees the records written before it joined.",
				"Remove the setting, or set spring.kafka.consumer.auto-offset-reset=earliest.", (settings) -> {
					String reset = settings.get(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG);
					if (reset == null) {
						return new Reading(false, "latest (Kafka default)");
					}
					return new Reading("earliest".equals(reset) || "none".equals(reset), reset);
				});
	}

	private static Rule<ClientSettings> consumerIsolationLevel() {
		return new Rule<>("consumer.isolation-level", Stage.CONSUMER, ConsumerConfig.ISOLATION_LEVEL_CONFIG,
				"read_committed",
				"With read_uncommitted the consumer processes records of transactions that are later aborted, "
						+ "records that officially never existed.",
				"Remove the setting, or set spring.kafka.consumer.isolation-level=read_committed.", (settings) -> {
					String isolation = settings.get(ConsumerConfig.ISOLATION_LEVEL_CONFIG);
					if (isolation == null) {
						return new Reading(false, "read_uncommitted (Kafka default)");
					}
					return new Reading("read_committed".equals(isolation), isolation);
				});
	}

	private static Rule<ClientSettings> consumerDeserializers() {
		return new Rule<>("consumer.deserializer", Stage.CONSUMER, "key.deserializer, value.deserializer",
				"ErrorHandlingDeserializer",
				"A record that cannot be deserialized fails inside poll(), before any error handler sees it; the "
						+ "container loops on it forever, or skips it, and the records behind it wait.",
				"Remove the consumer factory's deserializer instances, or wrap them in ErrorHandlingDeserializer.",
				(settings) -> {
					String key = settings.get(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
					String value = settings.get(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
					boolean safe = isErrorHandling(key) && isErrorHandling(value);
					return new Reading(safe, "key=" + shortName(key) + ", value=" + shortName(value));
				});
	}

	private static Rule<ClientSettings> consumerDeadLetterSerializers() {
		return new Rule<>("consumer.dead-letter-serializer", Stage.CONSUMER, "key.deserializer, value.deserializer",
				"a byte-array deserializer, or one with a matching serializer (FooDeserializer, FooSerializer)",
				"A dead letter is written by the serializer matching the consumer's deserializer, else by the "
						+ "producer's serializer; the starter cannot tell whether the producer's serializer writes "
						+ "this type; a dead letter it cannot write stalls its partition (health DOWN).",
				"Put a serializer named after the deserializer (com.example.FooSerializer for "
						+ "com.example.FooDeserializer) on the class path, or make sure the producer's serializer "
						+ "writes the consumed type; accept the risk "
						+ "(lossless.kafka.accepted-risks=consumer.dead-letter-serializer) to silence this report.",
				(settings) -> {
					String key = deadLetterSerializer(settings, true);
					String value = deadLetterSerializer(settings, false);
					String actual = "key=" + key + ", value=" + value;
					return (key.endsWith(NO_DEAD_LETTER_SERIALIZER) || value.endsWith(NO_DEAD_LETTER_SERIALIZER))
							? Reading.unknown(actual + ": cannot tell whether the producer's serializer writes this "
									+ "type; a dead letter it cannot write stalls its partition (health DOWN)")
							: new Reading(true, actual);
				});
	}

	// the deserializer that reads the bytes, and what writes its dead letters back
	private static String deadLetterSerializer(ClientSettings settings, boolean isKey) {
		String deserializer = settings
			.get(isKey ? ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG : ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
		String delegate = settings.get(isKey ? ErrorHandlingDeserializer.KEY_DESERIALIZER_CLASS
				: ErrorHandlingDeserializer.VALUE_DESERIALIZER_CLASS);
		String name = DeadLetterSerializerNames.deserializerName(deserializer, delegate);
		Class<?> serializer = DeadLetterSerializerNames.serializerFor(deserializer, delegate);
		return shortName(name)
				+ ((serializer != null) ? " (" + ClassUtils.getShortName(serializer) + ")" : NO_DEAD_LETTER_SERIALIZER);
	}

	private static Rule<MessageListenerContainer> listenerErrorHandler() {
		return new Rule<>("listener.error-handler", Stage.CONSUMER, "commonErrorHandler, afterRollbackProcessor",
				"an error handler (with transactions: an after-rollback processor) that recovers to a dead-letter topic",
				"Without an error handler, spring-kafka retries a failing record 10 times, logs it, and commits "
						+ "past it; an error handler without a dead-letter recoverer does the same: the record is lost. "
						+ "A transactional container hands failed records to its after-rollback processor, whose "
						+ "default also logs and skips them after 10 attempts.",
				"Build your DefaultErrorHandler (or DefaultAfterRollbackProcessor) on a DeadLetterPublishingRecoverer "
						+ "(the starter's is a bean you can inject), or remove your CommonErrorHandler, "
						+ "AfterRollbackProcessor and ConsumerRecordRecoverer beans so the starter's apply; for a "
						+ "handler of your own that the starter cannot read and that keeps failed records, accept the "
						+ "risk (lossless.kafka.accepted-risks=listener.error-handler).",
				(container) -> {
					if (!(container instanceof AbstractMessageListenerContainer<?, ?> abstractContainer)) {
						return new Reading(false, "unknown (" + ClassUtils.getShortName(container.getClass()) + ")");
					}
					Object handler = abstractContainer.getCommonErrorHandler();
					if (container.getContainerProperties().getKafkaAwareTransactionManager() == null) {
						return readErrorHandler(handler);
					}
					// with a transaction, an error handler sees the record first and
					// the after-rollback processor gets what it rethrows
					Reading errorHandler = (handler != null) ? readErrorHandler(handler) : null;
					return (errorHandler != null && !errorHandler.safe()) ? errorHandler
							: readAfterRollbackProcessor(abstractContainer.getAfterRollbackProcessor());
				}, (container) -> !isShareContainer(container));
	}

	private static Reading readErrorHandler(@Nullable Object handler) {
		if (handler == null) {
			return new Reading(false, "none (spring-kafka logs and skips failed records)");
		}
		return readFailedRecordHandling(handler, "logs and skips failed records after its retries");
	}

	private static Reading readAfterRollbackProcessor(Object processor) {
		return readFailedRecordHandling(processor, "logs and skips failed records after 10 attempts");
	}

	private static Reading readFailedRecordHandling(Object handler, String withoutRecoverer) {
		String name = ClassUtils.getShortName(handler.getClass());
		if (handler instanceof DeadLettering deadLettering) {
			return deadLettering.isDeadLettering() ? new Reading(true, name)
					: new Reading(false, name + " without a dead-letter recoverer");
		}
		if (!(handler instanceof FailedRecordProcessor processor)) {
			return new Reading(false, name + " (the starter cannot tell whether it keeps failed records)");
		}
		return readRecoverer(handler, FailedRecordRecoverers.read(processor), withoutRecoverer);
	}

	static Reading readRecoverer(Object handler, FailedRecordRecoverers.Recoverer recoverer, String withoutRecoverer) {
		String name = ClassUtils.getShortName(handler.getClass());
		return switch (recoverer.kind()) {
			case DEAD_LETTERS -> new Reading(true, name + " with a " + recoverer.description());
			case LOGS_ONLY -> new Reading(false,
					(handler.getClass() == DefaultAfterRollbackProcessor.class)
							? name + " (spring-kafka " + withoutRecoverer + ")"
							: name + " without a recoverer (spring-kafka " + withoutRecoverer + ")");
			case OWN -> new Reading(false, name + " with its own recoverer, " + recoverer.description()
					+ " (the starter cannot tell whether that keeps failed records)");
			case UNREADABLE -> new Reading(false, name + " (the starter cannot tell whether it keeps failed records: "
					+ "this spring-kafka version hides its recoverer)");
		};
	}

	private static Rule<MessageListenerContainer> listenerSyncCommits() {
		return new Rule<>("listener.sync-commits", Stage.CONSUMER, "syncCommits", "true",
				"An asynchronous commit that fails is not retried; the next rebalance or restart then redelivers, "
						+ "or, when a later commit succeeded out of order, an older offset wins.",
				"Remove the ContainerCustomizer that sets syncCommits=false.", (container) -> {
					boolean sync = container.getContainerProperties().isSyncCommits();
					return new Reading(sync, Boolean.toString(sync));
				}, (container) -> !isShareContainer(container));
	}

	private static Rule<MessageListenerContainer> listenerExactlyOnce(boolean exactlyOnce) {
		return new Rule<>("listener.exactly-once", Stage.CONSUMER,
				"kafkaAwareTransactionManager, stopContainerWhenFenced",
				"a Kafka transaction manager when exactly-once is on; stop when fenced",
				"With exactly-once on, a container without the Kafka transaction manager commits its offsets apart "
						+ "from its output, and its listener's sends fail outside a transaction, so records end in the "
						+ "dead-letter topic; a transactional container that keeps running after its producer was "
						+ "fenced moves past the records of the failed transaction.",
				"Give the container the Kafka transaction manager: define a single KafkaAwareTransactionManager bean "
						+ "(Spring Boot drops it when there are several) and let Spring Boot's container factory use "
						+ "it; do not set stopContainerWhenFenced=false.",
				(container) -> {
					ContainerProperties properties = container.getContainerProperties();
					if (properties.getKafkaAwareTransactionManager() == null) {
						return exactlyOnce ? new Reading(false, "no transaction manager")
								: new Reading(true, "no transactions (exactly-once off)");
					}
					return properties.isStopContainerWhenFenced()
							? new Reading(true, "Kafka transaction manager, stopContainerWhenFenced=true")
							: new Reading(false, "Kafka transaction manager, stopContainerWhenFenced=false");
				}, (container) -> !isShareContainer(container));
	}

	private static Rule<TopicState> topicExistsRule(int minReplicationFactor) {
		return new Rule<>("topic.exists", Stage.BROKER, "topic", "exists",
				"A missing topic is created on first use with the broker's defaults (replication factor 1 unless "
						+ "configured) when auto-creation is on, or blocks every send and dead-letter publish when "
						+ "it is off.",
				"Create the topic before the application uses it, for example with a NewTopic bean: replication "
						+ "factor " + minReplicationFactor + " and min.insync.replicas "
						+ Math.max(1, minReplicationFactor - 1)
						+ " in production; on a test cluster with fewer brokers, as many replicas as it has "
						+ "brokers (or let the brokers create it, see lossless.kafka.test-cluster).",
				(topic) -> new Reading(topic.exists(), topic.exists() ? "exists" : "missing"));
	}

	private static Rule<TopicState> topicReplicationFactorRule(int minReplicationFactor) {
		return new Rule<>("topic.replication-factor", Stage.BROKER, "replication.factor", ">= " + minReplicationFactor,
				"With fewer replicas, losing a disk or a broker loses the partition's records, or leaves no "
						+ "follower to take over with min.insync.replicas >= 2.",
				"Reassign the topic's partitions to " + minReplicationFactor + " replicas "
						+ "(kafka-reassign-partitions), or recreate it with a replication factor of "
						+ minReplicationFactor + ".",
				(topic) -> new Reading(topic.replicationFactor() >= minReplicationFactor,
						Integer.toString(topic.replicationFactor())));
	}

	private static Rule<TopicState> topicMinInsyncReplicasRule() {
		return new Rule<>("topic.min-insync-replicas", Stage.BROKER, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
				">= 2 and <= replication factor - 1",
				"With min.insync.replicas=1 an acks=all write is acknowledged by the leader alone, so losing that "
						+ "leader loses it; equal to the replication factor, one broker down stops every write.",
				"kafka-configs --alter --entity-type topics --entity-name <topic> --add-config "
						+ "min.insync.replicas=<replication factor - 1>",
				(topic) -> {
					Setting config = topic.config(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
					if (config == null) {
						return new Reading(false, "unknown (not reported)");
					}
					int minIsr = Integer.parseInt(config.value());
					return new Reading(minIsr >= 2 && minIsr <= topic.replicationFactor() - 1, config.value());
				});
	}

	private static Rule<TopicState> topicUncleanLeaderElection() {
		return new Rule<>("topic.unclean-leader-election", Stage.BROKER,
				TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "false",
				"An unclean election makes an out-of-sync replica the leader; every record it had not copied, "
						+ "acknowledged ones included, is truncated away.",
				"kafka-configs --alter --entity-type topics --entity-name <topic> --add-config "
						+ "unclean.leader.election.enable=false",
				(topic) -> {
					Setting config = topic.config(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG);
					if (config == null) {
						return new Reading(false, "unknown (not reported)");
					}
					return new Reading(!Boolean.parseBoolean(config.value()), config.value());
				});
	}

	private static Rule<TopicState> topicDeadLetterRetention(String suffix, Duration minRetention) {
		return new Rule<>(TOPIC_DLT_RETENTION, Stage.BROKER, TopicConfig.RETENTION_MS_CONFIG,
				"retention.ms -1 or >= lossless.kafka.dlt.min-retention, retention.bytes -1",
				"A dead-letter topic is where failed records wait for an operator; the broker's default retention "
						+ "(7 days) or a size limit deletes them, unread and unredriven.",
				"kafka-configs --alter --entity-type topics --entity-name <topic> --add-config "
						+ "retention.ms=-1,retention.bytes=-1 (or a retention of at least " + minRetention.toDays()
						+ " days, lossless.kafka.dlt.min-retention)",
				(topic) -> {
					Setting ms = topic.config(TopicConfig.RETENTION_MS_CONFIG);
					Setting bytes = topic.config(TopicConfig.RETENTION_BYTES_CONFIG);
					if (ms == null || bytes == null) {
						return new Reading(false, "unknown (not reported)");
					}
					long retentionMs = Long.parseLong(ms.value());
					boolean longEnough = retentionMs < 0 || retentionMs >= minRetention.toMillis();
					return new Reading(longEnough && Long.parseLong(bytes.value()) < 0,
							"retention.ms=" + ms.value() + ", retention.bytes=" + bytes.value());
				}, (topic) -> topic.name().endsWith(suffix));
	}

	private static boolean isAcksAll(String acks) {
		return ACKS_ALL.equalsIgnoreCase(acks) || "-1".equals(acks);
	}

	/**
	 * Return the setting that turns idempotence off implicitly when
	 * {@code enable.idempotence} is not set. In Kafka 4.2 only {@code acks} other than
	 * {@code all} and {@code retries=0} do; more than 5 requests in flight make the
	 * client refuse the settings instead (see {@link #clientRefusal(ClientSettings)}).
	 * @param settings the producer settings
	 * @return the conflicting setting as {@code key=value}, or {@code null} when
	 * idempotence stays on
	 */
	public static @Nullable String idempotenceConflict(ClientSettings settings) {
		Conflict conflict = implicitConflict(settings);
		return (conflict != null) ? conflict.setting() : null;
	}

	/**
	 * Return why the Kafka client refuses these producer settings with a
	 * {@code ConfigException} when it creates a producer, as Kafka 4.2's
	 * {@code ProducerConfig} does: idempotence asked for explicitly with {@code acks}
	 * other than {@code all} or {@code retries=0}; idempotence (explicit or by default)
	 * with more than 5 requests in flight; a {@code transactional.id} without
	 * idempotence.
	 * @param settings the producer settings
	 * @return why the client refuses them, or {@code null} when it accepts them
	 */
	public static @Nullable String clientRefusal(ClientSettings settings) {
		String explicit = settings.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
		boolean idempotent = (explicit != null) ? Boolean.parseBoolean(explicit)
				: Boolean.parseBoolean(kafkaDefault(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
		String refusal = "Kafka's client throws a ConfigException when it creates the producer: ";
		String transactionalId = settings.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		if (idempotent) {
			Conflict conflict = implicitConflict(settings);
			if (conflict != null && explicit != null) {
				// spring-kafka sets enable.idempotence=true for a transaction id prefix
				return refusal + "enable.idempotence=true with " + conflict.setting()
						+ ((transactionalId != null) ? " (spring-kafka turns idempotence on for producers with a "
								+ "transactional.id; transactions need acks=all and retries > 0)." : ".");
			}
			String inFlight = settings.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
			if (inFlight != null && Integer.parseInt(inFlight) > MAX_IN_FLIGHT_FOR_IDEMPOTENCE) {
				return refusal + "max.in.flight.requests.per.connection=" + inFlight + " with idempotence "
						+ ((explicit != null) ? "(enable.idempotence=true)" : "(on by Kafka default)")
						+ "; set it to at most 5, or set enable.idempotence=false explicitly.";
			}
			idempotent = conflict == null;
		}
		if (!idempotent && transactionalId != null) {
			return refusal + "a transactional.id (" + transactionalId + ") without idempotence ("
					+ ((explicit != null) ? "enable.idempotence=" + explicit
							: "turned off by " + idempotenceConflict(settings))
					+ "); transactions need acks=all, retries > 0 and idempotence.";
		}
		return null;
	}

	private static @Nullable Conflict implicitConflict(ClientSettings settings) {
		String retries = settings.get(ProducerConfig.RETRIES_CONFIG);
		if (retries != null && Integer.parseInt(retries) == 0) {
			return new Conflict("producer.retries", "retries=0");
		}
		String acks = settings.get(ProducerConfig.ACKS_CONFIG);
		if (acks != null && !isAcksAll(acks)) {
			return new Conflict("producer.acks", "acks=" + acks);
		}
		return null;
	}

	private static String kafkaDefault(String key) {
		return String.valueOf(KAFKA_PRODUCER_DEFAULTS.get(key));
	}

	private static boolean isErrorHandling(@Nullable String deserializer) {
		return ErrorHandlingDeserializer.class.getName().equals(deserializer);
	}

	private static String shortName(@Nullable String className) {
		return (className != null) ? ClassUtils.getShortName(className) : "none";
	}

	private static boolean isShareContainer(MessageListenerContainer container) {
		return container instanceof ShareKafkaMessageListenerContainer;
	}

	private static Rule<MessageListenerContainer> shareAckMode() {
		return new Rule<>("share.ack-mode", Stage.CONSUMER, "shareAckMode", "EXPLICIT or MANUAL",
				"With ShareAckMode.IMPLICIT the broker accepts every delivered record whatever the listener did: a "
						+ "record whose processing failed is acknowledged as done, and no recoverer ever sees it.",
				"Remove the setShareAckMode(IMPLICIT) call on the ShareKafkaListenerContainerFactory (EXPLICIT is "
						+ "the default), or use MANUAL and acknowledge each record.",
				(container) -> {
					ContainerProperties.ShareAckMode mode = container.getContainerProperties().getShareAckMode();
					return new Reading(mode != ContainerProperties.ShareAckMode.IMPLICIT, mode.name());
				}, DurabilityRules::isShareContainer);
	}

	private static Rule<ClientSettings> shareDeserializers() {
		return new Rule<>("share.deserializer", Stage.CONSUMER, "key.deserializer, value.deserializer",
				"ErrorHandlingDeserializer",
				"A share consumer's poll() that cannot deserialize a record makes the container reject it, and the "
						+ "broker archives a rejected record: no recoverer or dead-letter topic sees it.",
				"Wrap the share consumer factory's deserializers in ErrorHandlingDeserializer "
						+ "(spring.deserializer.key.delegate.class / spring.deserializer.value.delegate.class).",
				(settings) -> {
					String key = settings.get(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
					String value = settings.get(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
					boolean safe = isErrorHandling(key) && isErrorHandling(value);
					return new Reading(safe, "key=" + shortName(key) + ", value=" + shortName(value));
				});
	}

	private static Rule<ShareGroupState> shareAutoOffsetReset() {
		return new Rule<>("share.auto-offset-reset", Stage.BROKER, "share.auto-offset-reset (group config)", "earliest",
				"A share group starts at the end of the log by default (latest): the records written before its "
						+ "first consumer joined are never delivered to it.",
				"Set the group config: kafka-configs --alter --entity-type groups --entity-name <group> --add-config "
						+ "share.auto.offset.reset=earliest (or Admin.incrementalAlterConfigs on "
						+ "ConfigResource.Type.GROUP), before the group's first consumer starts.",
				(group) -> readShareGroupConfig(group, "share.auto.offset.reset", "latest", "earliest"));
	}

	private static Rule<ShareGroupState> shareIsolationLevel() {
		return new Rule<>("share.isolation-level", Stage.BROKER, "share.isolation.level (group config)",
				"read_committed",
				"With read_uncommitted a share group processes records of transactions that are later aborted, "
						+ "records that officially never existed.",
				"Set the group config: kafka-configs --alter --entity-type groups --entity-name <group> --add-config "
						+ "share.isolation.level=read_committed (or Admin.incrementalAlterConfigs on "
						+ "ConfigResource.Type.GROUP).",
				(group) -> readShareGroupConfig(group, "share.isolation.level", "read_uncommitted", "read_committed"));
	}

	private static Reading readShareGroupConfig(ShareGroupState group, String name, String kafkaDefault, String safe) {
		String value = group.config(name);
		if (value == null) {
			return new Reading(false, kafkaDefault + " (Kafka default)");
		}
		return new Reading(safe.equals(value), value);
	}

	/**
	 * A setting that turns idempotence off implicitly, and the rule that judges it.
	 */
	private record Conflict(String ruleId, String setting) {

	}

}
