package dev.lossless.kafka.rules;

import dev.lossless.kafka.topics.ShareGroupState;
import org.apache.kafka.clients.consumer.ConsumerConfig;

import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;

/**
 * The catalogue's rules on share groups (KIP-932): their containers, their consumers'
 * settings and their group configs.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class ShareRules {

	private ShareRules() {
	}

	static Rule<MessageListenerContainer> shareAckMode() {
		return new Rule<>("share.ack-mode", Stage.CONSUMER, "shareAckMode", "EXPLICIT or MANUAL",
				"With ShareAckMode.IMPLICIT the broker accepts every delivered record whatever the listener did: a "
						+ "record whose processing failed is acknowledged as done, and no recoverer ever sees it.",
				"Remove the setShareAckMode(IMPLICIT) call on the ShareKafkaListenerContainerFactory (EXPLICIT is "
						+ "the default), or use MANUAL and acknowledge each record.",
				(container) -> {
					ContainerProperties.ShareAckMode mode = container.getContainerProperties().getShareAckMode();
					return new Reading(mode != ContainerProperties.ShareAckMode.IMPLICIT, mode.name());
				}, ListenerRules::isShareContainer);
	}

	static Rule<ClientSettings> shareDeserializers() {
		return new Rule<>("share.deserializer", Stage.CONSUMER, "key.deserializer, value.deserializer",
				ConsumerRules.SAFE_DESERIALIZERS,
				"A share consumer's poll() that cannot deserialize a record makes the container reject it, and the "
						+ "broker archives a rejected record: no recoverer or dead-letter topic sees it.",
				"Wrap the share consumer factory's deserializers in ErrorHandlingDeserializer "
						+ "(spring.deserializer.key.delegate.class / spring.deserializer.value.delegate.class).",
				(settings) -> {
					String key = settings.get(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
					String value = settings.get(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
					boolean safe = ConsumerRules.isSafe(key) && ConsumerRules.isSafe(value);
					return new Reading(safe,
							"key=" + ConsumerRules.shortName(key) + ", value=" + ConsumerRules.shortName(value));
				});
	}

	static Rule<ShareGroupState> shareAutoOffsetReset() {
		return new Rule<>("share.auto-offset-reset", Stage.BROKER, "share.auto-offset-reset (group config)", "earliest",
				"A share group starts at the end of the log by default (latest): the records written before its "
						+ "first consumer joined are never delivered to it.",
				"Set the group config: kafka-configs --alter --entity-type groups --entity-name <group> --add-config "
						+ "share.auto.offset.reset=earliest (or Admin.incrementalAlterConfigs on "
						+ "ConfigResource.Type.GROUP), before the group's first consumer starts.",
				(group) -> readShareGroupConfig(group, "share.auto.offset.reset", "latest", "earliest"));
	}

	static Rule<ShareGroupState> shareIsolationLevel() {
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

}
