package dev.lossless.kafka.testcluster;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jspecify.annotations.Nullable;

/**
 * Admin operations and bounded waits shared by both cluster flavours.
 *
 * @author Lossless Kafka team
 */
final class ClusterAdmin {

	static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);

	private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

	private ClusterAdmin() {
	}

	static Admin createAdmin(String bootstrapServers) {
		Properties properties = new Properties();
		properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "lossless-test-cluster-admin");
		properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
		properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
		properties.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
		return Admin.create(properties);
	}

	/**
	 * Create a topic and wait until every partition has a leader and a full ISR and its
	 * leader serves it.
	 */
	static void createTopic(String bootstrapServers, String name, int partitions, short replicationFactor,
			Map<String, String> configs) {
		Deadline deadline = new Deadline(TOPIC_TIMEOUT);
		try (Admin admin = createAdmin(bootstrapServers)) {
			NewTopic topic = new NewTopic(name, partitions, replicationFactor).configs(new HashMap<>(configs));
			try {
				admin.createTopics(List.of(topic)).all().get(deadline.remainingMillis(), TimeUnit.MILLISECONDS);
			}
			catch (ExecutionException ex) {
				if (!(ex.getCause() instanceof TopicExistsException)) {
					throw new IllegalStateException("Failed to create topic '" + name + "'", ex.getCause());
				}
			}
			await(deadline, "topic '" + name + "' to have a leader and a full ISR on every partition",
					() -> isFullyReplicated(admin, name, partitions));
			// the metadata can name a leader before that broker has taken the
			// partition over: a send then fails with NOT_LEADER_OR_FOLLOWER, and an
			// idempotent producer was seen to go on with OUT_OF_ORDER_SEQUENCE_NUMBER
			// until its delivery timeout; a leader that answers ListOffsets serves it
			await(deadline, "the leaders of topic '" + name + "' to serve it",
					() -> leadersServe(admin, name, partitions));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while creating topic '" + name + "'", ex);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("Timed out creating topic '" + name + "'", ex);
		}
	}

	private static boolean leadersServe(Admin admin, String name, int partitions) {
		Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
		for (int partition = 0; partition < partitions; partition++) {
			latest.put(new TopicPartition(name, partition), OffsetSpec.latest());
		}
		try {
			admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while listing the offsets of topic '" + name + "'", ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			return false;
		}
	}

	private static boolean isFullyReplicated(Admin admin, String name, int partitions) {
		TopicDescription description = describe(admin, name);
		if (description == null || description.partitions().size() != partitions) {
			return false;
		}
		for (TopicPartitionInfo partition : description.partitions()) {
			Node leader = partition.leader();
			if (leader == null || leader.isEmpty() || partition.isr().size() < partition.replicas().size()) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Return the id of the leader of the partition as currently known to the cluster's
	 * metadata, or {@code -1} when it has no leader.
	 */
	static int leaderOf(String bootstrapServers, String topic, int partition) {
		try (Admin admin = createAdmin(bootstrapServers)) {
			TopicDescription description = admin.describeTopics(List.of(topic))
				.allTopicNames()
				.get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
				.get(topic);
			TopicPartitionInfo info = description.partitions()
				.stream()
				.filter((candidate) -> candidate.partition() == partition)
				.findFirst()
				.orElseThrow(() -> new IllegalArgumentException("Topic '" + topic + "' has no partition " + partition));
			Node leader = info.leader();
			return (leader != null && !leader.isEmpty()) ? leader.id() : -1;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while describing topic '" + topic + "'", ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Failed to describe topic '" + topic + "'", ex);
		}
	}

	/**
	 * Return the ids of the brokers the cluster currently reports as alive, or an empty
	 * set when the cluster cannot be reached.
	 */
	static Set<Integer> aliveBrokers(Admin admin) {
		try {
			Collection<Node> nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
			return nodes.stream().map(Node::id).collect(Collectors.toSet());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while describing the cluster", ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			return Set.of();
		}
	}

	private static @Nullable TopicDescription describe(Admin admin, String name) {
		try {
			return admin.describeTopics(List.of(name)).allTopicNames().get(5, TimeUnit.SECONDS).get(name);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while describing topic '" + name + "'", ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			return null;
		}
	}

	/**
	 * Poll the condition until it holds or the deadline passes.
	 * @throws IllegalStateException on timeout
	 */
	static void await(Deadline deadline, String description, BooleanSupplier condition) {
		await(deadline, () -> description, condition);
	}

	static void await(Deadline deadline, Supplier<String> description, BooleanSupplier condition) {
		while (!condition.getAsBoolean()) {
			if (deadline.isExpired()) {
				throw new IllegalStateException(
						"Timed out after " + deadline.timeout().toSeconds() + " s waiting for " + description.get());
			}
			pause(POLL_INTERVAL);
		}
	}

	static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting", ex);
		}
	}

	/**
	 * A point in time by which an operation must complete.
	 */
	static final class Deadline {

		private final Duration timeout;

		private final long deadlineNanos;

		Deadline(Duration timeout) {
			this.timeout = timeout;
			this.deadlineNanos = System.nanoTime() + timeout.toNanos();
		}

		Duration timeout() {
			return this.timeout;
		}

		boolean isExpired() {
			return System.nanoTime() - this.deadlineNanos >= 0;
		}

		long remainingMillis() {
			return Math.max(1, TimeUnit.NANOSECONDS.toMillis(this.deadlineNanos - System.nanoTime()));
		}

	}

}
