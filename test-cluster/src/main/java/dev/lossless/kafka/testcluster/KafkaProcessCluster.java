package dev.lossless.kafka.testcluster;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.util.Assert;

/**
 * A KRaft cluster of real Kafka broker processes: every node is a separate JVM on
 * {@code 127.0.0.1}, started from the Kafka jars on the class path of the current JVM, so
 * that tests can inject real faults: {@link #kill(int) SIGKILL}, {@link #terminate(int)
 * SIGTERM}, {@link #pause(int) SIGSTOP}/{@link #resume(int) SIGCONT}, and
 * {@link #restart(int) restart} on the same data and ports.
 * <p>
 * Every node is a combined broker and controller with a dynamic controller quorum
 * formatted with {@code --initial-controllers}. Each node keeps its data, configuration
 * and a broker log at {@code WARN} ({@code kafka.log}) in its own directory under
 * {@link #baseDir()}. Broker processes never outlive the JVM that started them: a
 * shutdown hook kills them, and each process halts itself when that JVM goes away, even
 * with {@code SIGKILL}. Requires a POSIX {@code kill} command for pause and resume.
 * <p>
 * Typical use: <pre class="code">
 * try (KafkaProcessCluster cluster = KafkaProcessCluster.builder().brokers(3).start()) {
 *     cluster.createTopic("orders", 3, (short) 3, Map.of("min.insync.replicas", "2"));
 *     int leader = cluster.leaderOf("orders", 0);
 *     cluster.kill(leader);
 *     // ...
 *     cluster.restart(leader);
 * }
 * </pre>
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 * @see EmbeddedKafkaCluster
 */
public final class KafkaProcessCluster implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(KafkaProcessCluster.class);

	private static final String HOST = "127.0.0.1";

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

	private static final Duration TERMINATE_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration SIGNAL_TIMEOUT = Duration.ofSeconds(10);

	private static final String DEFAULT_GC = "-XX:+UseSerialGC";

	private static final List<String> JVM_OPTIONS = List.of("-Xms256m", "-Xmx512m", DEFAULT_GC,
			"-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true");

	private final Path baseDir;

	private final boolean ownsBaseDir;

	private final Map<Integer, Node> nodes;

	private final String bootstrapServers;

	private final Thread shutdownHook;

	private boolean closed;

	private KafkaProcessCluster(Path baseDir, boolean ownsBaseDir, Map<Integer, Node> nodes) {
		this.baseDir = baseDir;
		this.ownsBaseDir = ownsBaseDir;
		this.nodes = nodes;
		this.bootstrapServers = nodes.values()
			.stream()
			.map((node) -> node.host + ":" + node.brokerPort)
			.collect(Collectors.joining(","));
		this.shutdownHook = new Thread(this::killAll, "kafka-process-cluster-shutdown");
	}

	/**
	 * Return a new builder for a cluster.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return the bootstrap servers of every broker, running or not.
	 * @return the bootstrap servers, for example {@code 127.0.0.1:40001,127.0.0.1:40002}
	 */
	public String bootstrapServers() {
		return this.bootstrapServers;
	}

	/**
	 * Return the number of brokers of the cluster, running or not.
	 * @return the number of brokers
	 */
	public int brokerCount() {
		return this.nodes.size();
	}

	/**
	 * Return the node ids of the brokers ({@code 0} to {@code brokerCount() - 1}).
	 * @return the broker ids, sorted
	 */
	public Set<Integer> brokerIds() {
		return Collections.unmodifiableSet(new TreeSet<>(this.nodes.keySet()));
	}

	/**
	 * Return the directory holding the data, configuration and logs of every node.
	 * @return the base directory
	 */
	public Path baseDir() {
		return this.baseDir;
	}

	/**
	 * Return the process id of the last process started for a node.
	 * @param nodeId the id of the node
	 * @return the process id
	 */
	public long pid(int nodeId) {
		return process(nodeId).pid();
	}

	/**
	 * Return whether the process of a node is running (a paused process is running).
	 * @param nodeId the id of the node
	 * @return whether the process is alive
	 */
	public boolean isAlive(int nodeId) {
		Process process = node(nodeId).process;
		return process != null && process.isAlive();
	}

	/**
	 * Kill the process of a node with {@code SIGKILL} and wait (at most 10 s) until it is
	 * gone. Does nothing if the process is not running.
	 * @param nodeId the id of the node
	 */
	public synchronized void kill(int nodeId) {
		Node node = node(nodeId);
		if (node.process != null) {
			destroyForcibly(node);
		}
	}

	/**
	 * Stop the process of a node with {@code SIGTERM}, which makes Kafka shut down in a
	 * controlled way, and wait (at most 30 s) until it exits; kill it if it does not.
	 * Does nothing if the process is not running.
	 * @param nodeId the id of the node
	 */
	public synchronized void terminate(int nodeId) {
		Node node = node(nodeId);
		Process process = node.process;
		if (process == null || !process.isAlive()) {
			return;
		}
		long start = System.nanoTime();
		process.destroy();
		if (node.paused) {
			signal(process, "CONT");
			node.paused = false;
		}
		if (!waitFor(process, TERMINATE_TIMEOUT)) {
			logger.warn("Broker {} did not exit within {} s of SIGTERM, killing it", nodeId,
					TERMINATE_TIMEOUT.toSeconds());
			destroyForcibly(node);
		}
		logger.debug("Terminated broker {} in {} ms", nodeId, elapsedMillis(start));
	}

	/**
	 * Freeze the process of a node with {@code SIGSTOP}, as a long GC pause or a hung
	 * machine would.
	 * @param nodeId the id of the node
	 */
	public synchronized void pause(int nodeId) {
		Node node = node(nodeId);
		Process process = runningProcess(nodeId);
		signal(process, "STOP");
		awaitStopped(process, true);
		node.paused = true;
	}

	/**
	 * Resume a paused process with {@code SIGCONT}.
	 * @param nodeId the id of the node
	 */
	public synchronized void resume(int nodeId) {
		Node node = node(nodeId);
		Process process = runningProcess(nodeId);
		signal(process, "CONT");
		awaitStopped(process, false);
		node.paused = false;
	}

	/**
	 * Start the process of a node again, on the same data and ports, and wait (at most 90
	 * s) until the broker serves requests (it is registered and unfenced) and the cluster
	 * reports it alive. A running process is first {@link #terminate(int) terminated}.
	 * The replicas of the broker may still be catching up when this returns.
	 * @param nodeId the id of the node
	 */
	public synchronized void restart(int nodeId) {
		Node node = node(nodeId);
		terminate(nodeId);
		long start = System.nanoTime();
		launch(node);
		awaitBrokers(Set.of(nodeId));
		logger.debug("Restarted broker {} in {} ms", nodeId, elapsedMillis(start));
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
	 * Return the id of the leader of a partition as currently known to the cluster. Right
	 * after a broker is killed, the metadata may still name it until its session times
	 * out ({@code broker.session.timeout.ms}, 3 s by default here).
	 * @param topic the topic
	 * @param partition the partition
	 * @return the node id of the leader, or {@code -1} if the partition has no leader
	 */
	public int leaderOf(String topic, int partition) {
		return ClusterAdmin.leaderOf(this.bootstrapServers, topic, partition);
	}

	/**
	 * Kill every process this cluster started, wait for them to exit, and delete the data
	 * of every node (and the base directory unless it was given to the builder). Never
	 * throws; calling it again does nothing.
	 */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		killAll();
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// The JVM is shutting down
		}
		for (Node node : this.nodes.values()) {
			deleteQuietly(node.dir);
		}
		if (this.ownsBaseDir) {
			deleteQuietly(this.baseDir);
		}
	}

	private void start() {
		long start = System.nanoTime();
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
		try {
			for (Node node : this.nodes.values()) {
				launch(node);
			}
			awaitBrokers(this.nodes.keySet());
		}
		catch (RuntimeException ex) {
			close();
			throw ex;
		}
		logger.debug("Started {} broker process(es) at {} in {} ms", this.nodes.size(), this.bootstrapServers,
				elapsedMillis(start));
	}

	private void launch(Node node) {
		Assert.state(!this.closed, "Cluster is closed");
		List<String> command = new ArrayList<>(node.launcher);
		command.add(javaExecutable());
		command.add("@" + node.argFile());
		ProcessBuilder builder = new ProcessBuilder(command).directory(node.dir.toFile())
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(node.outputFile().toFile()));
		try {
			// Standard input stays an open pipe: its end of file tells the process we are
			// gone
			node.process = builder.start();
			node.paused = false;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Failed to start broker process " + node.id, ex);
		}
	}

	private void awaitBrokers(Set<Integer> expected) {
		ClusterAdmin.Deadline deadline = new ClusterAdmin.Deadline(STARTUP_TIMEOUT);
		for (int id : expected) {
			Node node = this.nodes.get(id);
			ClusterAdmin.await(deadline, () -> "broker " + id + " to accept connections",
					() -> checkAlive(node) && acceptsConnections(node.host, node.brokerPort));
			// An admin bootstrapped on this broker alone gets metadata only once the
			// broker
			// serves requests, which it does only after it is registered and unfenced
			try (Admin admin = ClusterAdmin.createAdmin(node.host + ":" + node.brokerPort)) {
				ClusterAdmin.await(deadline, () -> "broker " + id + " to serve requests",
						() -> checkAlive(node) && ClusterAdmin.aliveBrokers(admin).contains(id));
			}
		}
		try (Admin admin = createAdmin()) {
			ClusterAdmin.await(deadline, () -> "the cluster to report brokers " + expected + " alive",
					() -> ClusterAdmin.aliveBrokers(admin).containsAll(expected));
		}
	}

	private static boolean checkAlive(Node node) {
		Process process = node.process;
		if (process == null || !process.isAlive()) {
			throw new IllegalStateException("Broker process " + node.id + " exited"
					+ ((process != null) ? " with status " + process.exitValue() : "") + "\n" + node.describeLogs());
		}
		return true;
	}

	private static boolean acceptsConnections(String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 1000);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Kill every process; not synchronized so that the shutdown hook never waits for a
	 * thread stuck in another operation.
	 */
	private void killAll() {
		List<Process> processes = new ArrayList<>();
		for (Node node : this.nodes.values()) {
			Process process = node.process;
			if (process != null) {
				process.destroyForcibly();
				processes.add(process);
			}
		}
		for (Process process : processes) {
			try {
				if (!process.waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
					logger.warn("Broker process {} did not exit within {} s of SIGKILL", process.pid(),
							KILL_TIMEOUT.toSeconds());
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private Node node(int nodeId) {
		Node node = this.nodes.get(nodeId);
		Assert.isTrue(node != null, () -> "No broker with id " + nodeId + ", brokers are " + brokerIds());
		return node;
	}

	private Process process(int nodeId) {
		Process process = node(nodeId).process;
		Assert.state(process != null, () -> "Broker " + nodeId + " was never started");
		return process;
	}

	private Process runningProcess(int nodeId) {
		Assert.state(!this.closed, "Cluster is closed");
		Process process = process(nodeId);
		Assert.state(process.isAlive(), () -> "Broker process " + nodeId + " is not running");
		return process;
	}

	private static void destroyForcibly(Node node) {
		Process process = node.process;
		if (process == null) {
			return;
		}
		long start = System.nanoTime();
		process.destroyForcibly();
		if (!waitFor(process, KILL_TIMEOUT)) {
			throw new IllegalStateException("Broker process " + node.id + " (pid " + process.pid()
					+ ") did not exit within " + KILL_TIMEOUT.toSeconds() + " s of SIGKILL");
		}
		node.paused = false;
		logger.debug("Killed broker {} in {} ms", node.id, elapsedMillis(start));
	}

	private static void signal(Process process, String signal) {
		ProcessBuilder builder = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD);
		try {
			Process kill = builder.start();
			if (!waitFor(kill, SIGNAL_TIMEOUT)) {
				kill.destroyForcibly();
				throw new IllegalStateException("kill -" + signal + " " + process.pid() + " timed out");
			}
			if (kill.exitValue() != 0) {
				throw new IllegalStateException(
						"kill -" + signal + " " + process.pid() + " failed with status " + kill.exitValue());
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Failed to run kill -" + signal, ex);
		}
	}

	/**
	 * Wait until the kernel reports the process stopped (or running again): a signal is
	 * delivered asynchronously, so {@code kill} can return before it takes effect. Where
	 * there is no {@code /proc}, return at once.
	 */
	private static void awaitStopped(Process process, boolean stopped) {
		Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
		long deadline = System.nanoTime() + SIGNAL_TIMEOUT.toNanos();
		while (Files.exists(stat)) {
			try {
				String content = Files.readString(stat);
				char state = content.charAt(content.lastIndexOf(')') + 2);
				if ((state == 'T' || state == 't') == stopped) {
					return;
				}
			}
			catch (IOException ex) {
				return;
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(
						"Process " + process.pid() + " did not " + (stopped ? "stop" : "continue") + " in time");
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
		}
	}

	private static boolean waitFor(Process process, Duration timeout) {
		try {
			return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for process " + process.pid(), ex);
		}
	}

	private static String javaExecutable() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	private static void deleteQuietly(Path path) {
		if (!Files.exists(path)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(path)) {
			for (Path candidate : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(candidate);
			}
		}
		catch (IOException | UncheckedIOException ex) {
			logger.warn("Failed to delete {}", path, ex);
		}
	}

	private static long elapsedMillis(long startNanos) {
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
	}

	/**
	 * Builder for a {@link KafkaProcessCluster}.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private int brokers = 3;

		private final Map<String, String> brokerProperties = new LinkedHashMap<>();

		private @Nullable Path baseDir;

		private final List<String> jvmOptions = new ArrayList<>();

		private @Nullable NodeNetwork network;

		private Builder() {
		}

		/**
		 * Place the nodes on a network of their own: each listens on and advertises the
		 * address the network gives it, and is launched with its command prefix. Defaults
		 * to every node on {@code 127.0.0.1}, launched directly.
		 * @param network the network of the nodes
		 * @return this builder
		 * @since 0.2.0
		 */
		public Builder network(NodeNetwork network) {
			this.network = network;
			return this;
		}

		/**
		 * Set the number of nodes; each is a broker and a controller. Defaults to 3.
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

		/**
		 * Add an option to the command line of every broker JVM, after the defaults
		 * ({@code -Xms256m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}, chosen for
		 * quick startup on small machines) so that it overrides them. For throughput
		 * measurements, add {@code -XX:TieredStopAtLevel=4} (full JIT) and, for example,
		 * {@code -XX:+UseG1GC}, which replaces the default collector.
		 * @param option the JVM option, for example {@code -Xmx1g}
		 * @return this builder
		 */
		public Builder jvmOption(String option) {
			this.jvmOptions.add(option);
			return this;
		}

		/**
		 * Set the directory for the data, configuration and logs of the nodes. Defaults
		 * to a new temporary directory, deleted on close; a given directory is kept on
		 * close, only the node directories created in it are deleted.
		 * @param baseDir the base directory
		 * @return this builder
		 */
		public Builder baseDir(Path baseDir) {
			this.baseDir = baseDir;
			return this;
		}

		/**
		 * Format the storage of every node, start every broker process, and wait (at most
		 * 90 s) until the cluster reports every broker as alive.
		 * @return the started cluster
		 * @throws IllegalStateException if the cluster fails to start
		 */
		public KafkaProcessCluster start() {
			long start = System.nanoTime();
			Path dir;
			boolean ownsDir = (this.baseDir == null);
			try {
				dir = ownsDir ? Files.createTempDirectory("kafka-process-cluster-")
						: Files.createDirectories(this.baseDir.toAbsolutePath());
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Failed to create the base directory", ex);
			}
			Map<Integer, Node> nodes = createNodes(dir);
			KafkaProcessCluster cluster = new KafkaProcessCluster(dir, ownsDir, nodes);
			try {
				String clusterId = Uuid.randomUuid().toString();
				String initialControllers = nodes.values()
					.stream()
					.map((node) -> node.id + "@" + node.host + ":" + node.controllerPort + ":" + node.directoryId)
					.collect(Collectors.joining(","));
				String quorumBootstrap = nodes.values()
					.stream()
					.map((node) -> node.host + ":" + node.controllerPort)
					.collect(Collectors.joining(","));
				String classPath = absoluteClassPath();
				for (Node node : nodes.values()) {
					writeFiles(node, quorumBootstrap, classPath);
					format(node, clusterId, initialControllers);
				}
			}
			catch (RuntimeException ex) {
				cluster.close();
				throw ex;
			}
			logger.debug("Formatted {} node(s) in {} ms", nodes.size(), elapsedMillis(start));
			cluster.start();
			return cluster;
		}

		private Map<Integer, Node> createNodes(Path dir) {
			List<Integer> ports = freePorts(this.brokers * 2);
			Map<Integer, Node> nodes = new TreeMap<>();
			for (int id = 0; id < this.brokers; id++) {
				Path nodeDir = dir.resolve("node-" + id);
				String host = (this.network != null) ? this.network.host(id) : HOST;
				List<String> launcher = (this.network != null) ? List.copyOf(this.network.launcher(id)) : List.of();
				nodes.put(id, new Node(id, nodeDir, host, launcher, ports.get(2 * id), ports.get(2 * id + 1),
						Uuid.randomUuid()));
			}
			return nodes;
		}

		private void writeFiles(Node node, String quorumBootstrap, String classPath) {
			Map<String, String> properties = new LinkedHashMap<>();
			properties.put("process.roles", "broker,controller");
			properties.put("node.id", Integer.toString(node.id));
			String listeners = "PLAINTEXT://" + node.host + ":" + node.brokerPort + ",CONTROLLER://" + node.host + ":"
					+ node.controllerPort;
			properties.put("listeners", listeners);
			properties.put("advertised.listeners", listeners);
			properties.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
			properties.put("controller.listener.names", "CONTROLLER");
			properties.put("inter.broker.listener.name", "PLAINTEXT");
			properties.put("controller.quorum.bootstrap.servers", quorumBootstrap);
			properties.put("log.dirs", node.dataDir().toString());
			properties.putAll(ClusterDefaults.serverProperties(this.brokers));
			properties.putAll(this.brokerProperties);
			List<String> arguments = new ArrayList<>(JVM_OPTIONS);
			if (this.jvmOptions.stream().anyMatch((option) -> option.matches("-XX:\\+Use\\w+GC"))) {
				arguments.remove(DEFAULT_GC);
			}
			arguments.addAll(this.jvmOptions);
			arguments.add("-Dlogback.configurationFile=" + node.dir.resolve("logback.xml"));
			arguments.add("-Dlog4j2.configurationFile=" + node.dir.resolve("log4j2.properties"));
			arguments.add("-Dkafka.logs.dir=" + node.dir);
			arguments.add("-Dlossless.kafka.node=" + node.id);
			arguments.add("-cp");
			arguments.add(classPath);
			arguments.add(KafkaProcessMain.class.getName());
			arguments.add(node.configFile().toString());
			try {
				// Leftovers of an earlier run in a given base directory would fail the
				// format
				deleteQuietly(node.dir);
				Files.createDirectories(node.dataDir());
				Files.writeString(node.configFile(), toProperties(properties));
				Files.writeString(node.dir.resolve("logback.xml"), logbackConfig(node.logFile()));
				Files.writeString(node.dir.resolve("log4j2.properties"), log4j2Config(node.logFile()));
				Files.writeString(node.argFile(),
						arguments.stream()
							.map(Builder::quoteArgument)
							.collect(Collectors.joining(System.lineSeparator(), "", System.lineSeparator())));
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Failed to write the files of node " + node.id, ex);
			}
		}

		private static void format(Node node, String clusterId, String initialControllers) {
			ByteArrayOutputStream output = new ByteArrayOutputStream();
			int status;
			try (PrintStream stream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
				status = StorageTool
					.execute(
							new String[] { "format", "--cluster-id", clusterId, "--config",
									node.configFile().toString(), "--initial-controllers", initialControllers },
							stream);
			}
			catch (Exception ex) {
				throw new IllegalStateException(
						"Failed to format node " + node.id + ": " + output.toString(StandardCharsets.UTF_8), ex);
			}
			if (status != 0) {
				throw new IllegalStateException("Failed to format node " + node.id + " (status " + status + "): "
						+ output.toString(StandardCharsets.UTF_8));
			}
		}

		private static List<Integer> freePorts(int count) {
			List<ServerSocket> sockets = new ArrayList<>();
			try {
				InetAddress address = InetAddress.getByName(HOST);
				for (int i = 0; i < count; i++) {
					// Keep every socket open until all ports are allocated so they differ
					sockets.add(new ServerSocket(0, 1, address));
				}
				return sockets.stream().map(ServerSocket::getLocalPort).toList();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Failed to allocate free ports", ex);
			}
			finally {
				for (ServerSocket socket : sockets) {
					try {
						socket.close();
					}
					catch (IOException ex) {
						// Ignore
					}
				}
			}
		}

		private static String absoluteClassPath() {
			String classPath = System.getProperty("java.class.path", "");
			return Stream.of(classPath.split(File.pathSeparator))
				.filter((entry) -> !entry.isBlank())
				.map((entry) -> Path.of(entry).toAbsolutePath().toString())
				.collect(Collectors.joining(File.pathSeparator));
		}

		private static String toProperties(Map<String, String> properties) {
			StringBuilder content = new StringBuilder();
			properties.forEach((key, value) -> content.append(key)
				.append('=')
				.append(value.replace("\\", "\\\\"))
				.append(System.lineSeparator()));
			return content.toString();
		}

		private static String quoteArgument(String argument) {
			return '"' + argument.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
		}

		private static String logbackConfig(Path logFile) {
			return """
					<configuration>
						<appender name="FILE" class="ch.qos.logback.core.FileAppender">
							<file>%s</file>
							<append>true</append>
							<encoder>
								<pattern>%%d{ISO8601} %%-5level [%%thread] %%logger - %%msg%%n</pattern>
							</encoder>
						</appender>
						<root level="WARN">
							<appender-ref ref="FILE"/>
						</root>
					</configuration>
					""".formatted(xmlEscape(logFile.toString()));
		}

		private static String log4j2Config(Path logFile) {
			return """
					status = warn
					appender.file.type = File
					appender.file.name = FILE
					appender.file.fileName = %s
					appender.file.append = true
					appender.file.layout.type = PatternLayout
					appender.file.layout.pattern = %%d{ISO8601} %%-5p [%%t] %%c - %%m%%n
					rootLogger.level = warn
					rootLogger.appenderRef.file.ref = FILE
					""".formatted(logFile.toString().replace("\\", "\\\\"));
		}

		private static String xmlEscape(String text) {
			return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
		}

	}

	private static final class Node {

		private final int id;

		private final Path dir;

		private final String host;

		private final List<String> launcher;

		private final int brokerPort;

		private final int controllerPort;

		private final Uuid directoryId;

		private volatile @Nullable Process process;

		private boolean paused;

		Node(int id, Path dir, String host, List<String> launcher, int brokerPort, int controllerPort,
				Uuid directoryId) {
			this.id = id;
			this.dir = dir;
			this.host = host;
			this.launcher = launcher;
			this.brokerPort = brokerPort;
			this.controllerPort = controllerPort;
			this.directoryId = directoryId;
		}

		Path dataDir() {
			return this.dir.resolve("data");
		}

		Path configFile() {
			return this.dir.resolve("server.properties");
		}

		Path argFile() {
			return this.dir.resolve("jvm.args");
		}

		Path logFile() {
			return this.dir.resolve("kafka.log");
		}

		Path outputFile() {
			return this.dir.resolve("process.out");
		}

		String describeLogs() {
			return "--- " + logFile() + "\n" + tail(logFile()) + "--- " + outputFile() + "\n" + tail(outputFile());
		}

		private static String tail(Path file) {
			try {
				List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
				return lines.subList(Math.max(0, lines.size() - 30), lines.size())
					.stream()
					.map((line) -> line + "\n")
					.collect(Collectors.joining());
			}
			catch (IOException | UncheckedIOException ex) {
				return "(unreadable: " + ex + ")\n";
			}
		}

	}

}
