package dev.lossless.kafka.rules;

import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.util.ClassUtils;

/**
 * The catalogue's rules on consumer settings.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class ConsumerRules {

	private static final String NO_DEAD_LETTER_SERIALIZER = " (no matching serializer)";

	static final String SAFE_DESERIALIZERS = "ErrorHandlingDeserializer, or one that cannot fail "
			+ "(String, byte[], ByteBuffer or Bytes deserializer)";

	private ConsumerRules() {
	}

	static List<Rule<ClientSettings>> rules() {
		return List.of(consumerAutoCommit(), consumerAutoOffsetReset(), consumerIsolationLevel(),
				consumerDeserializers(), consumerDeadLetterSerializers());
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
				SAFE_DESERIALIZERS,
				"A record that cannot be deserialized fails inside poll(), before any error handler sees it; the "
						+ "container loops on it forever, or skips it, and the records behind it wait.",
				"Remove the consumer factory's deserializer instances, or wrap them in ErrorHandlingDeserializer.",
				(settings) -> {
					String key = settings.get(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
					String value = settings.get(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
					boolean safe = isSafe(key) && isSafe(value);
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

	static boolean isErrorHandling(@Nullable String deserializer) {
		return ErrorHandlingDeserializer.class.getName().equals(deserializer);
	}

	// a deserializer whose failure reaches the error handler, or that cannot fail
	static boolean isSafe(@Nullable String deserializer) {
		return isErrorHandling(deserializer) || InfallibleDeserializers.cannotFail(deserializer);
	}

	static String shortName(@Nullable String className) {
		return (className != null) ? ClassUtils.getShortName(className) : "none";
	}

}
