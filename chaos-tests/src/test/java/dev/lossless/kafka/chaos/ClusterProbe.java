package dev.lossless.kafka.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import dev.lossless.kafka.testcluster.KafkaProcessCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;

import static org.awaitility.Awaitility.await;

/**
 * Bounded questions to the cluster under test: replicas in sync, committed offsets, and a
 * full read of a topic.
 *
 * @author Lossless Kafka team
 */
final class ClusterProbe {

	private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

	private final KafkaProcessCluster cluster;

	ClusterProbe(KafkaProcessCluster cluster) {
		this.cluster = cluster;
	}

	/**
	 * Return the description of every partition of a topic, or an empty list when the
	 * cluster does not answer in time.
	 * @param topic the topic
	 * @return the partitions
	 */
	List<TopicPartitionInfo> partitions(String topic) {
		try (Admin admin = this.cluster.createAdmin()) {
			TopicDescription description = admin.describeTopics(List.of(topic))
				.allTopicNames()
				.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
				.get(topic);
			return description.partitions();
		}
		catch (ExecutionException | TimeoutException ex) {
			return List.of();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return List.of();
		}
	}

	/**
	 * Return the ids of the in-sync replicas of a partition.
	 * @param topic the topic
	 * @param partition the partition
	 * @return the ids, empty when the cluster does not answer in time
	 */
	Set<Integer> inSyncReplicas(String topic, int partition) {
		return partitions(topic).stream()
			.filter((info) -> info.partition() == partition)
			.flatMap((info) -> info.isr().stream())
			.map(Node::id)
			.collect(Collectors.toSet());
	}

	/**
	 * Return whether every partition of a topic has a leader and all its replicas in
	 * sync.
	 * @param topic the topic
	 * @return whether the topic is fully replicated
	 */
	boolean isFullyInSync(String topic) {
		List<TopicPartitionInfo> partitions = partitions(topic);
		return !partitions.isEmpty() && partitions.stream()
			.allMatch((info) -> info.leader() != null && info.isr().size() == info.replicas().size());
	}

	/**
	 * Wait until every partition of the topics has all its replicas in sync.
	 * @param timeout the longest wait
	 * @param topics the topics
	 */
	void awaitFullyInSync(Duration timeout, String... topics) {
		await("all replicas of " + List.of(topics) + " in sync").atMost(timeout)
			.pollInterval(Duration.ofMillis(500))
			.until(() -> List.of(topics).stream().allMatch(this::isFullyInSync));
	}

	/**
	 * Return the committed offsets of a consumer group.
	 * @param group the group
	 * @return the committed offsets
	 */
	Map<TopicPartition, Long> committed(String group) throws Exception {
		try (Admin admin = this.cluster.createAdmin()) {
			Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
				.partitionsToOffsetAndMetadata()
				.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			Map<TopicPartition, Long> committed = new HashMap<>();
			offsets.forEach((partition, offset) -> {
				if (offset != null) {
					committed.put(partition, offset.offset());
				}
			});
			return committed;
		}
	}

	/**
	 * Describe the partitions of a topic for a report: each one's last stable offset
	 * beside its end offset (a transaction left open holds {@code read_committed} readers
	 * back at the first), and the transactions the cluster lists, with their states.
	 * @param topic the topic
	 * @return the description, or why it could not be had
	 */
	String stableOffsets(String topic) {
		try (Admin admin = this.cluster.createAdmin()) {
			Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(List.of(topic))
				.allTopicNames()
				.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
				.get(topic)
				.partitions()
				.stream()
				.collect(Collectors.toMap((info) -> new TopicPartition(topic, info.partition()),
						(info) -> OffsetSpec.latest()));
			Map<TopicPartition, ListOffsetsResultInfo> stable = admin
				.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
				.all()
				.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			Map<TopicPartition, ListOffsetsResultInfo> end = admin
				.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
				.all()
				.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			String offsets = new TreeMap<>(latest.keySet()
				.stream()
				.collect(Collectors.toMap(TopicPartition::partition,
						(partition) -> stable.get(partition).offset() + " / " + end.get(partition).offset())))
				.toString();
			String transactions = admin.listTransactions()
				.all()
				.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
				.stream()
				.map((listing) -> listing.transactionalId() + " " + listing.state())
				.sorted()
				.toList()
				.toString();
			return offsets + "; transactions " + transactions;
		}
		catch (Exception ex) {
			return "not known (" + ex + ")";
		}
	}

	/**
	 * Read every committed record of a topic, from the beginning to the end offsets of
	 * the moment of the call.
	 * @param topic the topic
	 * @param timeout the longest wait
	 * @return the records
	 */
	List<ConsumerRecord<String, String>> readAll(String topic, Duration timeout) {
		Map<String, Object> configs = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.cluster.bootstrapServers(),
				ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
				ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
				ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
				false, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
		List<ConsumerRecord<String, String>> records = new ArrayList<>();
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(configs)) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout)
				.stream()
				.map((info) -> new TopicPartition(topic, info.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
			await("a full read of " + topic).atMost(timeout).pollInSameThread().pollDelay(Duration.ZERO).until(() -> {
				consumer.poll(Duration.ofMillis(200)).forEach(records::add);
				return partitions.stream().allMatch((partition) -> consumer.position(partition) >= end.get(partition));
			});
		}
		return records;
	}

}
