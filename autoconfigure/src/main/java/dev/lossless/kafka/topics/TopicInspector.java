package dev.lossless.kafka.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeFeaturesOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.SupportedVersionRange;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;

/**
 * Reads topic state from the brokers and creates topics, with one Admin client whose
 * every call is bounded by a timeout, so that neither startup nor a health check can hang
 * on unreachable brokers.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class TopicInspector implements DisposableBean {

	private static final String AUTO_CREATE_TOPICS = "auto.create.topics.enable";

	// broker entries share the map with topic names, which cannot contain a space
	private static final String BROKER_PREFIX = "broker ";

	/**
	 * The {@code metadata.version} level of Kafka 4.1 ({@code 4.1-IV0}), from which
	 * eligible leader replicas are production-ready (a preview in 4.0).
	 */
	private static final short METADATA_VERSION_4_1 = 26;

	private final BoundedAdmin client;

	/**
	 * Create an instance.
	 * @param adminConfig the Admin client configuration, for example {@code KafkaAdmin}'s
	 * @param timeout the bound on every call
	 */
	public TopicInspector(Map<String, Object> adminConfig, Duration timeout) {
		this.client = new BoundedAdmin(adminConfig, timeout);
	}

	/**
	 * Read the state of the given topics, within one timeout for all the calls it makes.
	 * @param names the topic names
	 * @return the snapshot, {@link TopicsSnapshot#unreachable(String) unreachable} when
	 * the brokers did not answer in time
	 */
	public TopicsSnapshot inspect(Collection<String> names) {
		try {
			Admin admin = admin();
			long deadline = this.client.deadline();
			Collection<Node> nodes = admin
				.describeCluster(new DescribeClusterOptions().timeoutMs(BoundedAdmin.remainingMillis(deadline)))
				.nodes()
				.get(BoundedAdmin.remainingMillis(deadline), TimeUnit.MILLISECONDS);
			Map<String, KafkaFuture<TopicDescription>> descriptions = admin
				.describeTopics(names, new DescribeTopicsOptions().timeoutMs(BoundedAdmin.remainingMillis(deadline)))
				.topicNameValues();
			Map<String, TopicState> topics = new LinkedHashMap<>();
			Map<String, TopicDescription> existing = new LinkedHashMap<>();
			for (String name : names) {
				TopicDescription description = describe(descriptions.get(name), deadline);
				if (description == null) {
					topics.put(name, TopicState.missing(name));
				}
				else {
					existing.put(name, description);
				}
			}
			ConfigResource broker = nodes.isEmpty() ? null
					: new ConfigResource(ConfigResource.Type.BROKER, nodes.iterator().next().idString());
			Map<String, Map<String, TopicState.Setting>> configs = describeConfigs(admin, existing.keySet(), broker,
					deadline);
			TopicState.Setting eligibleLeaderReplicas = existing.isEmpty() ? null
					: eligibleLeaderReplicas(admin, deadline);
			existing.forEach((name, description) -> topics.put(name,
					stateOf(description, configs.get(name), eligibleLeaderReplicas)));
			TopicState.Setting autoCreate = (broker != null)
					? configs.getOrDefault(BROKER_PREFIX + broker.name(), Map.of()).get(AUTO_CREATE_TOPICS) : null;
			return new TopicsSnapshot(topics, null, nodes.size(),
					autoCreate != null && Boolean.parseBoolean(autoCreate.value()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return TopicsSnapshot.unreachable("interrupted");
		}
		catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException ex) {
			return TopicsSnapshot.unreachable(this.client.describeFailure(ex));
		}
	}

	/**
	 * Check that the brokers answer, within the timeout, with one call whose answer does
	 * not grow with the topics.
	 * @return why the brokers could not be asked, or {@code null} when they answered
	 * @since 0.2.0
	 */
	public @Nullable String brokerError() {
		try {
			long deadline = this.client.deadline();
			admin().describeCluster(new DescribeClusterOptions().timeoutMs(BoundedAdmin.remainingMillis(deadline)))
				.nodes()
				.get(BoundedAdmin.remainingMillis(deadline), TimeUnit.MILLISECONDS);
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted";
		}
		catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException ex) {
			return this.client.describeFailure(ex);
		}
	}

	/**
	 * Create the given topics; a topic that already exists is not an error.
	 * @param topics the topics
	 * @return the error of each topic that could not be created, by name
	 */
	public Map<String, String> create(Collection<NewTopic> topics) {
		Map<String, String> errors = new LinkedHashMap<>();
		int timeoutMs = (int) this.client.timeout().toMillis();
		Map<String, KafkaFuture<Void>> results = admin()
			.createTopics(topics, new CreateTopicsOptions().timeoutMs(timeoutMs))
			.values();
		results.forEach((name, result) -> {
			try {
				result.get(timeoutMs, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				errors.put(name, "interrupted");
			}
			catch (ExecutionException ex) {
				if (!(ex.getCause() instanceof TopicExistsException)) {
					errors.put(name, this.client.describeFailure(ex));
				}
			}
			catch (TimeoutException ex) {
				errors.put(name, this.client.describeFailure(ex));
			}
		});
		return errors;
	}

	/**
	 * Wait, at most for the inspector's timeout, until the brokers report every given
	 * topic: a topic just created on a multi-broker cluster takes a moment to reach every
	 * broker's metadata.
	 * @param names the topic names
	 * @return whether every topic is reported
	 */
	public boolean awaitExisting(Collection<String> names) {
		long deadline = this.client.deadline();
		while (System.nanoTime() < deadline) {
			TopicsSnapshot snapshot = inspect(names);
			if (snapshot.reachable() && snapshot.topics().values().stream().allMatch(TopicState::exists)) {
				return true;
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
		}
		return false;
	}

	private @Nullable TopicDescription describe(KafkaFuture<TopicDescription> future, long deadline)
			throws InterruptedException, ExecutionException, TimeoutException {
		try {
			return future.get(BoundedAdmin.remainingMillis(deadline), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof UnknownTopicOrPartitionException) {
				return null;
			}
			throw ex;
		}
	}

	private Map<String, Map<String, TopicState.Setting>> describeConfigs(Admin admin, Collection<String> names,
			@Nullable ConfigResource broker, long deadline)
			throws InterruptedException, ExecutionException, TimeoutException {
		List<ConfigResource> resources = new ArrayList<>(
				names.stream().map((name) -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList());
		if (broker != null) {
			resources.add(broker);
		}
		if (resources.isEmpty()) {
			return Map.of();
		}
		Map<ConfigResource, Config> configs = admin
			.describeConfigs(resources, new DescribeConfigsOptions().timeoutMs(BoundedAdmin.remainingMillis(deadline)))
			.all()
			.get(BoundedAdmin.remainingMillis(deadline), TimeUnit.MILLISECONDS);
		Map<String, Map<String, TopicState.Setting>> settings = new HashMap<>();
		configs.forEach((resource, config) -> {
			Map<String, TopicState.Setting> entries = new HashMap<>();
			config.entries()
				.forEach((entry) -> entries.put(entry.name(),
						new TopicState.Setting(String.valueOf(entry.value()), entry.source().name())));
			settings.put(
					(resource.type() == ConfigResource.Type.BROKER) ? BROKER_PREFIX + resource.name() : resource.name(),
					entries);
		});
		return settings;
	}

	// a cluster-wide feature, read once for all topics; a failed read leaves the topic
	// rules their answers
	private TopicState.Setting eligibleLeaderReplicas(Admin admin, long deadline) throws InterruptedException {
		FeatureMetadata features;
		try {
			features = admin
				.describeFeatures(new DescribeFeaturesOptions().timeoutMs(BoundedAdmin.remainingMillis(deadline)))
				.featureMetadata()
				.get(BoundedAdmin.remainingMillis(deadline), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException ex) {
			return new TopicState.Setting("unknown (" + this.client.describeFailure(ex) + ")",
					TopicState.CLUSTER_FEATURE);
		}
		FinalizedVersionRange level = features.finalizedFeatures().get(TopicState.ELIGIBLE_LEADER_REPLICAS);
		if (level != null && level.maxVersionLevel() >= 1) {
			return new TopicState.Setting(Short.toString(level.maxVersionLevel()), TopicState.CLUSTER_FEATURE);
		}
		SupportedVersionRange supported = features.supportedFeatures().get(TopicState.ELIGIBLE_LEADER_REPLICAS);
		FinalizedVersionRange metadata = features.finalizedFeatures().get("metadata.version");
		boolean canEnable = supported != null && supported.maxVersion() >= 1 && metadata != null
				&& metadata.maxVersionLevel() >= METADATA_VERSION_4_1;
		return new TopicState.Setting(canEnable ? "0" : TopicState.UNSUPPORTED, TopicState.CLUSTER_FEATURE);
	}

	private TopicState stateOf(TopicDescription description, @Nullable Map<String, TopicState.Setting> configs,
			TopicState.@Nullable Setting eligibleLeaderReplicas) {
		int replicationFactor = description.partitions()
			.stream()
			.mapToInt((partition) -> partition.replicas().size())
			.min()
			.orElse(0);
		List<TopicPartitionInfo> partitions = description.partitions();
		Map<String, TopicState.Setting> entries = new HashMap<>((configs != null) ? configs : Map.of());
		if (eligibleLeaderReplicas != null) {
			entries.put(TopicState.ELIGIBLE_LEADER_REPLICAS, eligibleLeaderReplicas);
		}
		return new TopicState(description.name(), true, partitions.size(), replicationFactor, entries);
	}

	private Admin admin() {
		return this.client.admin();
	}

	@Override
	public void destroy() {
		this.client.close();
	}

}
