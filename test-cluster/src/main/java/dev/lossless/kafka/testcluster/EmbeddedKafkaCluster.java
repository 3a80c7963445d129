package dev.lossless.kafka.testcluster;

import java.io.File;
import java.io.UncheckedIOException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import kafka.server.BrokerServer;
import kafka.server.ControllerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.util.Assert;

/**
 * An in-JVM KRaft cluster of real Kafka brokers, built on Kafka's
 * {@link KafkaClusterTestKit}.
 * <p>
 * Every node is a combined node (broker and controller). Unlike
 * {@code EmbeddedKafkaKraftBroker} and {@code KafkaClusterTestKit.startup()}, which start
 * the controller and the broker of a combined node concurrently (which loses the raft
 * quorum of a multi-node cluster when a broker wins the race), this class starts every
 * controller first, waits for an active controller, and only then starts the brokers, as
 * the production server does.
 * <p>
 * Typical use: <pre class="code">
 * try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.builder().brokers(3).start()) {
 *     cluster.createTopic("orders", 3, (short) 3, Map.of("min.insync.replicas", "2"));
 *     cluster.stopBroker(cluster.leaderOf("orders", 0));
 *     // ...
 * }
 * </pre>
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 * @see KafkaProcessCluster
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

	private static final Duration BROKER_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

	/**
	 * Fewer threads and no no-op metadata record every 500 ms: an in-JVM broker of a test
	 * mostly waits, and these halve the CPU an idle one burns (1.2 to 0.5 CPU-s per 30 s
	 * measured for one broker, 3.4 to 2.6 for three). The builder's properties override
	 * them.
	 */
	private static final Map<String, String> IN_JVM_PROPERTIES = Map.of("num.network.threads", "1", "num.io.threads",
			"2", "background.threads", "2", "metadata.max.idle.interval.ms", "5000");

	private final KafkaClusterTestKit cluster;

	private final String bootstrapServers;

	private final Set<Integer> brokerIds;

	private boolean closed;

	private EmbeddedKafkaCluster(KafkaClusterTestKit cluster) {
		this.cluster = cluster;
		this.bootstrapServers = cluster.bootstrapServers();
		this.brokerIds = Collections.unmodifiableSet(new TreeSet<>(cluster.brokers().keySet()));
	}

	/**
	 * Return a new builder for a cluster.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return the bootstrap servers of every broker, read once at start, so that they stay
	 * available while brokers are stopped.
	 * @return the bootstrap servers, for example {@code localhost:40001,localhost:40002}
	 */
	public String bootstrapServers() {
		return this.bootstrapServers;
	}

	/**
	 * Return the number of brokers of the cluster, running or stopped.
	 * @return the number of brokers
	 */
	public int brokerCount() {
		return this.brokerIds.size();
	}

	/**
	 * Return the node ids of the brokers, running or stopped ({@code 0} to
	 * {@code brokerCount() - 1}).
	 * @return the broker ids, sorted
	 */
	public Set<Integer> brokerIds() {
		return this.brokerIds;
	}

	/**
	 * Stop the broker of a node with a controlled shutdown and wait until it is shut
	 * down. The controller of the node keeps running so that the metadata quorum
	 * survives. Stopping a broker that is already stopped does nothing.
	 * @param nodeId the id of the node
	 */
	public void stopBroker(int nodeId) {
		BrokerServer broker = broker(nodeId);
		long start = System.nanoTime();
		broker.shutdown(BROKER_SHUTDOWN_TIMEOUT);
		broker.awaitShutdown();
		logger.debug("Stopped broker {} in {} ms", nodeId, elapsedMillis(start));
	}

	/**
	 * Start a stopped broker again, on the same port and with the same data, and wait (at
	 * most 90 s) until the cluster reports it as alive (registered and unfenced). The
	 * replicas of the broker may still be catching up when this returns. Starting a
	 * running broker does nothing.
	 * @param nodeId the id of the node
	 */
	public void startBroker(int nodeId) {
		BrokerServer broker = broker(nodeId);
		long start = System.nanoTime();
		ClusterAdmin.Deadline deadline = new ClusterAdmin.Deadline(STARTUP_TIMEOUT);
		ExecutorService executor = Executors.newSingleThreadExecutor(new StartupThreadFactory());
		try {
			// Startup blocks until the broker is unfenced
			Builder.awaitAll(List.of(CompletableFuture.runAsync(broker::startup, executor)), deadline,
					"broker " + nodeId);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while starting broker " + nodeId, ex);
		}
		finally {
			executor.shutdown();
		}
		try (Admin admin = createAdmin()) {
			ClusterAdmin.await(deadline, "broker " + nodeId + " to rejoin",
					() -> ClusterAdmin.aliveBrokers(admin).contains(nodeId));
		}
		logger.debug("Started broker {} in {} ms", nodeId, elapsedMillis(start));
	}

	/**
	 * Create an {@link Admin} client for the cluster. The caller must close it.
	 * @return a new admin client
	 */
	public Admin createAdmin() {
		return ClusterAdmin.createAdmin(this.bootstrapServers);
	}

	/**
	 * Create a topic and wait (at most 60 s) until every partition has a leader that
	 * serves it (answers {@code ListOffsets}) and all of its replicas in sync. An
	 * existing topic is accepted.
	 * @param name the name of the topic
	 * @param partitions the number of partitions
	 * @param replicationFactor the replication factor
	 * @param configs the topic configs, for example {@code min.insync.replicas}
	 */
	public void createTopic(String name, int partitions, short replicationFactor, Map<String, String> configs) {
		ClusterAdmin.createTopic(this.bootstrapServers, name, partitions, replicationFactor, configs);
	}

	/**
	 * Return the id of the leader of a partition as currently known to the cluster.
	 * @param topic the topic
	 * @param partition the partition
	 * @return the node id of the leader, or {@code -1} if the partition has no leader
	 */
	public int leaderOf(String topic, int partition) {
		return ClusterAdmin.leaderOf(this.bootstrapServers, topic, partition);
	}

	/**
	 * Shut down every broker and controller and delete the data directories. Never
	 * throws; calling it again does nothing.
	 */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		long start = System.nanoTime();
		closeQuietly(this.cluster);
		logger.debug("Closed cluster in {} ms", elapsedMillis(start));
	}

	private BrokerServer broker(int nodeId) {
		Assert.state(!this.closed, "Cluster is closed");
		BrokerServer broker = this.cluster.brokers().get(nodeId);
		Assert.isTrue(broker != null, () -> "No broker with id " + nodeId + ", brokers are " + this.brokerIds);
		return broker;
	}

	private static void closeQuietly(KafkaClusterTestKit cluster) {
		try {
			cluster.close();
		}
		catch (Exception ex) {
			logger.warn("Failure while closing the Kafka cluster", ex);
		}
		catch (Error ex) {
			// MockFaultHandler rethrows recorded faults as errors
			logger.warn("Fault recorded by the Kafka cluster", ex);
		}
		deleteQuietly(new File(cluster.nodes().baseDirectory()));
	}

	private static void deleteQuietly(File directory) {
		try {
			Utils.delete(directory);
		}
		catch (Exception ex) {
			logger.warn("Failed to delete {}", directory, ex);
		}
	}

	private static long elapsedMillis(long startNanos) {
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
	}

	/**
	 * Builder for an {@link EmbeddedKafkaCluster}.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private int brokers = 1;

		private final Map<String, String> brokerProperties = new LinkedHashMap<>();

		private Builder() {
		}

		/**
		 * Set the number of nodes; each is a broker and a controller. Defaults to 1.
		 * @param brokers the number of brokers, at least 1
		 * @return this builder
		 */
		public Builder brokers(int brokers) {
			ClusterDefaults.checkBrokers(brokers);
			this.brokers = brokers;
			return this;
		}

		/**
		 * Set a server property on every node, overriding the defaults of this class.
		 * @param key the property name, for example {@code log.retention.ms}
		 * @param value the property value
		 * @return this builder
		 */
		public Builder brokerProperty(String key, String value) {
			this.brokerProperties.put(key, value);
			return this;
		}

		private static Path createBaseDirectory() {
			try {
				return Files.createTempDirectory("kafka-");
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Failed to create the cluster's directory", ex);
			}
		}

		/**
		 * Format the storage, start every controller, then every broker, and wait until
		 * all brokers are ready.
		 * @return the started cluster
		 * @throws IllegalStateException if the cluster fails to start
		 */
		public EmbeddedKafkaCluster start() {
			long start = System.nanoTime();
			Map<String, String> properties = ClusterDefaults.serverProperties(this.brokers);
			properties.putAll(IN_JVM_PROPERTIES);
			properties.putAll(this.brokerProperties);
			// A base directory of our own: Kafka's default temp directory registers a JVM
			// shutdown hook that deletes it and races a close() run from another hook
			TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true)
				.setBaseDirectory(createBaseDirectory())
				.setNumBrokerNodes(this.brokers)
				.setNumControllerNodes(this.brokers)
				.build();
			KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
			properties.forEach(builder::setConfigProp);
			KafkaClusterTestKit cluster;
			try {
				cluster = builder.build();
			}
			catch (Exception ex) {
				throw new IllegalStateException("Failed to build the Kafka cluster", ex);
			}
			try {
				cluster.format();
				startInOrder(cluster);
				EmbeddedKafkaCluster started = new EmbeddedKafkaCluster(cluster);
				logger.debug("Started {} broker(s) at {} in {} ms", this.brokers, started.bootstrapServers(),
						elapsedMillis(start));
				return started;
			}
			catch (Exception ex) {
				closeQuietly(cluster);
				if (ex instanceof InterruptedException) {
					Thread.currentThread().interrupt();
				}
				throw (ex instanceof IllegalStateException illegalState) ? illegalState
						: new IllegalStateException("Failed to start the Kafka cluster", ex);
			}
		}

		private static void startInOrder(KafkaClusterTestKit cluster) throws Exception {
			ExecutorService executor = Executors.newCachedThreadPool(new StartupThreadFactory());
			try {
				ClusterAdmin.Deadline deadline = new ClusterAdmin.Deadline(STARTUP_TIMEOUT);
				List<CompletableFuture<Void>> controllers = new ArrayList<>();
				for (ControllerServer controller : cluster.controllers().values()) {
					controllers.add(CompletableFuture.runAsync(controller::startup, executor));
				}
				awaitAll(controllers, deadline, "controllers");
				cluster.waitForActiveController();
				List<CompletableFuture<Void>> brokers = new ArrayList<>();
				for (BrokerServer broker : cluster.brokers().values()) {
					brokers.add(CompletableFuture.runAsync(broker::startup, executor));
				}
				awaitAll(brokers, deadline, "brokers");
				CompletableFuture<Void> ready = CompletableFuture.runAsync(() -> {
					try {
						cluster.waitForReadyBrokers();
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
				}, executor);
				awaitAll(List.of(ready), deadline, "brokers to be ready");
			}
			finally {
				executor.shutdownNow();
			}
		}

		private static void awaitAll(List<CompletableFuture<Void>> futures, ClusterAdmin.Deadline deadline, String what)
				throws InterruptedException {
			try {
				CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
					.get(deadline.remainingMillis(), TimeUnit.MILLISECONDS);
			}
			catch (ExecutionException ex) {
				throw new IllegalStateException("Failed to start " + what, ex.getCause());
			}
			catch (TimeoutException ex) {
				throw new IllegalStateException(
						"Timed out after " + deadline.timeout().toSeconds() + " s starting " + what, ex);
			}
		}

	}

	private static final class StartupThreadFactory implements ThreadFactory {

		private final AtomicInteger count = new AtomicInteger();

		@Override
		public Thread newThread(Runnable runnable) {
			Thread thread = new Thread(runnable, "embedded-kafka-cluster-startup-" + this.count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		}

	}

}
