package dev.lossless.kafka.consumer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.lossless.kafka.consumer.ConsumerOffsetsSnapshot.PartitionOffsets;
import dev.lossless.kafka.topics.BoundedAdmin;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.util.Assert;

/**
 * Reads the committed offsets of consumer groups and the log start and end offsets of the
 * partitions they consume, with one Admin client, and judges how close each group is to
 * losing records to retention. One timeout bounds a whole inspection, so that neither a
 * health check nor a metrics refresh can hang on unreachable brokers.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 * @see ConsumerOffsetsSnapshot.PartitionOffsets
 */
public final class ConsumerOffsetsInspector implements DisposableBean {

	/**
	 * The default fraction of the retained records that a group may still have to read
	 * before it is at risk of losing records to retention.
	 */
	public static final double DEFAULT_RISK_THRESHOLD = 0.8;

	private final double riskThreshold;

	private final BoundedAdmin client;

	/**
	 * Create an instance.
	 * @param adminConfig the Admin client configuration, for example {@code KafkaAdmin}'s
	 * @param timeout the bound on a whole inspection
	 * @param riskThreshold the fraction of the retained records that a group may still
	 * have to read before it is at risk, greater than 0 and at most 1, for example
	 * {@link #DEFAULT_RISK_THRESHOLD}
	 */
	public ConsumerOffsetsInspector(Map<String, Object> adminConfig, Duration timeout, double riskThreshold) {
		Assert.notNull(adminConfig, "'adminConfig' cannot be null");
		Assert.isTrue(timeout != null && timeout.toMillis() > 0, "'timeout' must be positive");
		Assert.isTrue(riskThreshold > 0 && riskThreshold <= 1, "'riskThreshold' must be greater than 0 and at most 1");
		this.client = new BoundedAdmin(adminConfig, timeout);
		this.riskThreshold = riskThreshold;
	}

	/**
	 * Read the offsets of the given groups on the partitions of the given topics, within
	 * one timeout for all the calls it makes. Every partition of a topic is reported for
	 * each group that consumes it, with
	 * {@link ConsumerOffsetsSnapshot.Verdict#NOT_COMMITTED} where the group committed no
	 * offset; topics that do not exist are left out.
	 * @param topicsByGroup the topics each consumer group consumes, by group id
	 * @return the snapshot, {@link ConsumerOffsetsSnapshot#unreachable unreachable} when
	 * the brokers did not answer in time
	 */
	public ConsumerOffsetsSnapshot inspect(Map<String, Set<String>> topicsByGroup) {
		Instant time = Instant.now();
		long start = System.nanoTime();
		long deadline = start + this.client.timeout().toNanos();
		try {
			List<PartitionOffsets> partitions = (topicsByGroup.isEmpty()) ? List.of()
					: read(admin(), topicsByGroup, deadline);
			return new ConsumerOffsetsSnapshot(partitions, time, since(start), null);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return ConsumerOffsetsSnapshot.unreachable("interrupted", time, since(start));
		}
		catch (ExecutionException | TimeoutException | KafkaException ex) {
			return ConsumerOffsetsSnapshot.unreachable(this.client.describeFailure(ex), time, since(start));
		}
	}

	private List<PartitionOffsets> read(Admin admin, Map<String, Set<String>> topicsByGroup, long deadline)
			throws InterruptedException, ExecutionException, TimeoutException {
		Set<String> topics = new TreeSet<>();
		topicsByGroup.values().forEach(topics::addAll);
		Map<String, List<TopicPartition>> partitionsByTopic = partitionsOf(admin, topics, deadline);
		Map<String, List<TopicPartition>> partitionsByGroup = new TreeMap<>();
		topicsByGroup.forEach((group, groupTopics) -> {
			List<TopicPartition> partitions = new ArrayList<>();
			new TreeSet<>(groupTopics)
				.forEach((topic) -> partitions.addAll(partitionsByTopic.getOrDefault(topic, List.of())));
			if (!partitions.isEmpty()) {
				partitionsByGroup.put(group, partitions);
			}
		});
		if (partitionsByGroup.isEmpty()) {
			return List.of();
		}
		Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
		partitionsByGroup.forEach((group, partitions) -> specs.put(group,
				new ListConsumerGroupOffsetsSpec().topicPartitions(partitions)));
		ListConsumerGroupOffsetsResult committedResult = admin.listConsumerGroupOffsets(specs,
				new ListConsumerGroupOffsetsOptions().timeoutMs(BoundedAdmin.remainingMillis(deadline)));
		Set<TopicPartition> allPartitions = new HashSet<>();
		partitionsByGroup.values().forEach(allPartitions::addAll);
		ListOffsetsResult earliestResult = listOffsets(admin, allPartitions, OffsetSpec.earliest(), deadline);
		ListOffsetsResult latestResult = listOffsets(admin, allPartitions, OffsetSpec.latest(), deadline);
		Map<TopicPartition, Long> earliest = offsetsOf(earliestResult, allPartitions, deadline);
		Map<TopicPartition, Long> latest = offsetsOf(latestResult, allPartitions, deadline);
		List<PartitionOffsets> offsets = new ArrayList<>();
		for (Map.Entry<String, List<TopicPartition>> entry : partitionsByGroup.entrySet()) {
			String group = entry.getKey();
			Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets(committedResult, group, deadline);
			for (TopicPartition partition : entry.getValue()) {
				Long logStart = earliest.get(partition);
				Long logEnd = latest.get(partition);
				if (logStart != null && logEnd != null) {
					OffsetAndMetadata commit = committed.get(partition);
					offsets.add(PartitionOffsets.of(group, partition.topic(), partition.partition(),
							(commit != null) ? commit.offset() : null, logStart, logEnd, this.riskThreshold));
				}
			}
		}
		return offsets;
	}

	private Map<String, List<TopicPartition>> partitionsOf(Admin admin, Collection<String> topics, long deadline)
			throws InterruptedException, ExecutionException, TimeoutException {
		Map<String, KafkaFuture<TopicDescription>> descriptions = admin
			.describeTopics(topics, new DescribeTopicsOptions().timeoutMs(BoundedAdmin.remainingMillis(deadline)))
			.topicNameValues();
		Map<String, List<TopicPartition>> partitions = new HashMap<>();
		for (String topic : topics) {
			try {
				TopicDescription description = descriptions.get(topic)
					.get(BoundedAdmin.remainingMillis(deadline), TimeUnit.MILLISECONDS);
				partitions.put(topic,
						description.partitions()
							.stream()
							.map((partition) -> new TopicPartition(topic, partition.partition()))
							.sorted(Comparator.comparingInt(TopicPartition::partition))
							.toList());
			}
			catch (ExecutionException ex) {
				if (!(ex.getCause() instanceof UnknownTopicOrPartitionException)) {
					throw ex;
				}
			}
		}
		return partitions;
	}

	private static ListOffsetsResult listOffsets(Admin admin, Collection<TopicPartition> partitions, OffsetSpec spec,
			long deadline) {
		Map<TopicPartition, OffsetSpec> request = new HashMap<>();
		partitions.forEach((partition) -> request.put(partition, spec));
		return admin.listOffsets(request, new ListOffsetsOptions().timeoutMs(BoundedAdmin.remainingMillis(deadline)));
	}

	private static Map<TopicPartition, Long> offsetsOf(ListOffsetsResult result, Collection<TopicPartition> partitions,
			long deadline) throws InterruptedException, ExecutionException, TimeoutException {
		Map<TopicPartition, Long> offsets = new HashMap<>();
		for (TopicPartition partition : partitions) {
			try {
				offsets.put(partition,
						result.partitionResult(partition)
							.get(BoundedAdmin.remainingMillis(deadline), TimeUnit.MILLISECONDS)
							.offset());
			}
			catch (ExecutionException ex) {
				// A topic deleted since it was described
				if (!(ex.getCause() instanceof UnknownTopicOrPartitionException)) {
					throw ex;
				}
			}
		}
		return offsets;
	}

	private static Map<TopicPartition, OffsetAndMetadata> committedOffsets(ListConsumerGroupOffsetsResult result,
			String group, long deadline) throws InterruptedException, ExecutionException, TimeoutException {
		try {
			// A partition without a committed offset maps to null
			return result.partitionsToOffsetAndMetadata(group)
				.get(BoundedAdmin.remainingMillis(deadline), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof GroupIdNotFoundException) {
				return Map.of();
			}
			throw ex;
		}
	}

	private static Duration since(long start) {
		return Duration.ofNanos(System.nanoTime() - start);
	}

	private Admin admin() {
		return this.client.admin();
	}

	@Override
	public void destroy() {
		this.client.close();
	}

}
