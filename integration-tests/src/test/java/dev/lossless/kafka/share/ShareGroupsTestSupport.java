package dev.lossless.kafka.share;

import java.util.List;
import java.util.Map;

import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;

import org.springframework.kafka.core.DefaultShareConsumerFactory;
import org.springframework.kafka.core.ShareConsumerFactory;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;

/**
 * Share group configuration and state read with the Admin client, for the share tests.
 */
final class ShareGroupsTestSupport {

	private ShareGroupsTestSupport() {
	}

	// string keys and values, wrapped in ErrorHandlingDeserializer as rule
	// share.deserializer requires
	static ShareConsumerFactory<String, String> stringConsumerFactory(String bootstrapServers) {
		return new DefaultShareConsumerFactory<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ErrorHandlingDeserializer.class,
				ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ErrorHandlingDeserializer.class,
				ErrorHandlingDeserializer.KEY_DESERIALIZER_CLASS, StringDeserializer.class,
				ErrorHandlingDeserializer.VALUE_DESERIALIZER_CLASS, StringDeserializer.class));
	}

	static void configureGroup(EmbeddedKafkaCluster cluster, String group, String reset, String isolation)
			throws Exception {
		try (Admin admin = cluster.createAdmin()) {
			admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), List.of(
					new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", reset), AlterConfigOp.OpType.SET),
					new AlterConfigOp(new ConfigEntry("share.isolation.level", isolation), AlterConfigOp.OpType.SET))))
				.all()
				.get();
		}
	}

	// the group's lag: records neither acknowledged nor archived; a partition whose share
	// state the broker has not initialized yet has no offset info (null) and is not done
	static boolean everyRecordAcknowledged(EmbeddedKafkaCluster cluster, String topic, String group) throws Exception {
		try (Admin admin = cluster.createAdmin()) {
			Map<TopicPartition, SharePartitionOffsetInfo> offsets = admin
				.listShareGroupOffsets(Map.of(group, new ListShareGroupOffsetsSpec()))
				.partitionsToOffsetInfo(group)
				.get();
			return !offsets.isEmpty() && offsets.entrySet()
				.stream()
				.filter((entry) -> entry.getKey().topic().equals(topic))
				.allMatch((entry) -> entry.getValue() != null && entry.getValue().lag().orElse(-1L) == 0);
		}
	}

}
