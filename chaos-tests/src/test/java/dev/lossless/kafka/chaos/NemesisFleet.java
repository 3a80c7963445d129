package dev.lossless.kafka.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.lossless.kafka.chaos.NamespaceNetwork.Host;
import dev.lossless.kafka.testcluster.KafkaProcessCluster;

import static org.awaitility.Awaitility.await;

/**
 * The client applications of a nemesis run, each in a network namespace of its own:
 * producer applications (restarted on fresh ids after a kill, on the same send journal),
 * consumer applications in one group (restarted after a kill or stop), and the logs of
 * them all.
 *
 * @author Lossless Kafka team
 */
final class NemesisFleet implements Nemesis.Clients, AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

	/** Ids of producer {@code i} start at {@code (i + 1) * PRODUCER_IDS}. */
	static final long PRODUCER_IDS = 1_000_000_000L;

	private static final long INCARNATION_IDS = 10_000_000L;

	private final KafkaProcessCluster cluster;

	private final NamespaceNetwork network;

	private final Path dir;

	private final String topic;

	private final String group;

	private final List<Producer> producers = new ArrayList<>();

	private final List<Consumer> consumers = new ArrayList<>();

	private final List<AppProcess> processes = new ArrayList<>();

	private final List<ProducerLog> producerLogs = new ArrayList<>();

	private final Set<ProducerLog> killedLogs = new HashSet<>();

	private final ConsumerLogs consumerLogs;

	private final List<String> restarts = new ArrayList<>();

	NemesisFleet(KafkaProcessCluster cluster, NamespaceNetwork network, Path dir, String topic, String group) {
		this.cluster = cluster;
		this.network = network;
		this.dir = dir;
		this.topic = topic;
		this.group = group;
		this.consumerLogs = new ConsumerLogs(topic);
	}

	/**
	 * Add a producer application on a host of its own.
	 * @param host the name of its host
	 * @param properties its application properties
	 */
	void addProducer(String host, String... properties) {
		Producer producer = new Producer(this.producers.size(), this.network.addHost(host), List.of(properties));
		this.producers.add(producer);
		startProducer(producer);
	}

	/**
	 * Add a consumer application of the group on a host of its own.
	 * @param host the name of its host
	 * @param properties its application properties
	 */
	void addConsumer(String host, String... properties) {
		addConsumer(host, ChaosConsumerApplication.class, properties);
	}

	/**
	 * Add a consuming application of the group on a host of its own.
	 * @param host the name of its host
	 * @param mainClass its main class
	 * @param properties its application properties
	 */
	void addConsumer(String host, Class<?> mainClass, String... properties) {
		Consumer consumer = new Consumer(this.consumers.size(), this.network.addHost(host), mainClass,
				List.of(properties));
		this.consumers.add(consumer);
		startConsumer(consumer);
	}

	private void startProducer(Producer producer) {
		int incarnation = producer.incarnations++;
		String name = "producer-" + producer.index + "-" + incarnation;
		long firstId = (producer.index + 1) * PRODUCER_IDS + incarnation * INCARNATION_IDS;
		List<String> properties = new ArrayList<>(producer.properties);
		properties.add("chaos.first-id=" + firstId);
		// Incarnations share a journal: the next one replays what a killed one journaled
		properties.add("lossless.kafka.producer.journal.directory=" + this.dir.resolve("journal-" + producer.index));
		producer.process = start(name, ChaosProducerApplication.class, producer.host, properties);
		producer.log = new ProducerLog(this.dir.resolve(name + ".log"));
		this.producerLogs.add(producer.log);
	}

	private void startConsumer(Consumer consumer) {
		String name = "consumer-" + consumer.index + "-" + consumer.incarnations++;
		List<String> properties = new ArrayList<>(ScenarioRun.CONSUMER_PROPERTIES);
		properties.addAll(consumer.properties);
		consumer.process = start(name, consumer.mainClass, consumer.host, properties);
		consumer.logFile = this.dir.resolve(name + ".log");
		this.consumerLogs.add(consumer.logFile);
	}

	/**
	 * Wait until every application started (they start in parallel: a Spring Boot start
	 * takes long on a loaded machine).
	 */
	void awaitStarted() {
		for (Producer producer : this.producers) {
			AppProcess process = producer.process;
			ProducerLog log = producer.log;
			await(process.name() + " to start").atMost(START_TIMEOUT)
				.pollInterval(Duration.ofMillis(200))
				.until(() -> ScenarioRun.checkRunning(process) && log.isReady());
		}
		for (Consumer consumer : this.consumers) {
			AppProcess process = consumer.process;
			Path logFile = consumer.logFile;
			await(process.name() + " to start").atMost(START_TIMEOUT)
				.pollInterval(Duration.ofMillis(200))
				.until(() -> ScenarioRun.checkRunning(process) && Files.exists(logFile));
		}
	}

	private AppProcess start(String name, Class<?> mainClass, Host host, List<String> properties) {
		List<String> arguments = new ArrayList<>(
				List.of("--spring.kafka.bootstrap-servers=" + this.cluster.bootstrapServers(),
						"--spring.kafka.consumer.group-id=" + this.group, "--chaos.topic=" + this.topic,
						"--chaos.log=" + this.dir.resolve(name + ".log"), "--spring.main.banner-mode=off"));
		properties.forEach((property) -> arguments.add("--" + property));
		AppProcess process = AppProcess.start(name, this.dir, mainClass, arguments, this.network.launcher(host));
		this.processes.add(process);
		return process;
	}

	@Override
	public List<Host> hosts() {
		List<Host> hosts = new ArrayList<>();
		this.producers.forEach((producer) -> hosts.add(producer.host));
		this.consumers.forEach((consumer) -> hosts.add(consumer.host));
		return hosts;
	}

	@Override
	public int consumers() {
		return this.consumers.size();
	}

	@Override
	public int producers() {
		return this.producers.size();
	}

	@Override
	public String fault(Nemesis.Kind kind, int index, List<Runnable> healers) {
		return switch (kind) {
			case CONSUMER_KILL -> {
				Consumer consumer = this.consumers.get(index);
				consumer.process.kill();
				healers.add(() -> startConsumer(consumer));
				yield "SIGKILL " + consumer.host.name();
			}
			case CONSUMER_TERM -> {
				Consumer consumer = this.consumers.get(index);
				try {
					consumer.process.terminate();
				}
				catch (IllegalStateException ex) {
					// killed after 60 s: still a bounce
				}
				healers.add(() -> startConsumer(consumer));
				yield "SIGTERM " + consumer.host.name();
			}
			case CONSUMER_STOP -> {
				Consumer consumer = this.consumers.get(index);
				AppProcess process = consumer.process;
				process.freeze(true);
				healers.add(() -> process.freeze(false));
				yield "SIGSTOP " + consumer.host.name();
			}
			case PRODUCER_STOP -> {
				Producer producer = this.producers.get(index);
				AppProcess process = producer.process;
				process.freeze(true);
				healers.add(() -> process.freeze(false));
				yield "SIGSTOP " + producer.host.name();
			}
			case PRODUCER_KILL -> {
				Producer producer = this.producers.get(index);
				producer.process.kill();
				this.killedLogs.add(producer.log);
				healers.add(() -> startProducer(producer));
				yield "SIGKILL " + producer.host.name() + " (restarted on fresh ids and the same journal)";
			}
			default -> throw new IllegalArgumentException("Not a client fault: " + kind);
		};
	}

	/**
	 * Resume every paused application and restart every one that is gone, after the
	 * nemesis healed.
	 */
	void ensureRunning() {
		for (Producer producer : this.producers) {
			producer.process.freeze(false);
			if (!producer.process.isAlive()) {
				this.killedLogs.add(producer.log);
				startProducer(producer);
			}
		}
		for (Consumer consumer : this.consumers) {
			consumer.process.freeze(false);
			if (!consumer.process.isAlive()) {
				// not killed by the nemesis (its healer restarted those): it ended itself
				this.restarts
					.add(consumer.process.name() + " (exit " + consumer.process.awaitExit(Duration.ZERO) + ")");
				startConsumer(consumer);
			}
		}
	}

	/**
	 * Return the consuming applications that ended on their own (a pipeline whose
	 * container stopped, for instance) and were restarted by {@link #ensureRunning()}.
	 * @return the name and exit status of each
	 */
	List<String> restarts() {
		return List.copyOf(this.restarts);
	}

	/**
	 * Stop every producer application: each waits for the outcome of its sends and for
	 * its journal to drain, then exits.
	 * @return the exit status of each producer
	 */
	Map<String, Integer> stopProducers() {
		this.producers.forEach((producer) -> producer.process.send("stop"));
		Map<String, Integer> status = new TreeMap<>();
		for (Producer producer : this.producers) {
			status.put(producer.process.name(), producer.process.awaitExit(Duration.ofMinutes(6)));
		}
		return status;
	}

	List<ProducerLog> producerLogs() {
		return this.producerLogs.stream().map(ProducerLog::refresh).toList();
	}

	/**
	 * Return whether a producer log belongs to an application the nemesis killed (its
	 * last sends have no outcome).
	 * @param log the log
	 * @return whether its process was killed
	 */
	boolean wasKilled(ProducerLog log) {
		return this.killedLogs.contains(log);
	}

	/**
	 * Return the outcome logs of the consumer applications running now (the last
	 * incarnation of each).
	 * @return their log files
	 */
	List<Path> liveConsumerLogs() {
		return this.consumers.stream().map((consumer) -> consumer.logFile).toList();
	}

	ConsumerLogs consumerLogs() {
		return this.consumerLogs;
	}

	@Override
	public void close() {
		for (AppProcess process : this.processes) {
			process.freeze(false);
			process.close();
		}
	}

	private static final class Producer {

		private final int index;

		private final Host host;

		private final List<String> properties;

		private int incarnations;

		private AppProcess process;

		private ProducerLog log;

		Producer(int index, Host host, List<String> properties) {
			this.index = index;
			this.host = host;
			this.properties = properties;
		}

	}

	private static final class Consumer {

		private final int index;

		private final Host host;

		private final List<String> properties;

		private int incarnations;

		private AppProcess process;

		private final Class<?> mainClass;

		private Path logFile;

		Consumer(int index, Host host, Class<?> mainClass, List<String> properties) {
			this.index = index;
			this.host = host;
			this.mainClass = mainClass;
			this.properties = properties;
		}

	}

}
