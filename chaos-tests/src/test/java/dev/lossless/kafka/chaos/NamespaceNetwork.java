package dev.lossless.kafka.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.lossless.kafka.testcluster.NodeNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A network of Linux network namespaces for the nemesis: one namespace per host (broker
 * or client application), each joined by a veth pair to a bridge in a namespace of its
 * own, and one veth pair from the namespace of this JVM to the bridge so that the checker
 * reaches every host over a link the nemesis never cuts. Faults: a link taken down (a
 * host isolated), blackhole routes (a one-way or two-way partition between two hosts),
 * and a throttled link ({@code tc netem} latency and loss where the kernel has it,
 * {@code tc tbf} rate limiting otherwise).
 * <p>
 * Names carry a random suffix and addresses a random {@code 10.x.y.0/24}, so parallel
 * runs never collide. {@link #close()} deletes every namespace (the processes in them
 * must be gone first); a shutdown hook does it when the JVM exits, and namespaces a
 * killed JVM left behind are deleted by the next run (a marker file names their owner).
 * Needs root and {@code ip} and {@code tc} (iproute2).
 *
 * @author Lossless Kafka team
 */
final class NamespaceNetwork implements AutoCloseable, NodeNetwork {

	private static final Logger logger = LoggerFactory.getLogger(NamespaceNetwork.class);

	private static final String PREFIX = "lkn";

	private static final Path MARKERS = Path.of(System.getProperty("java.io.tmpdir"), "lossless-kafka-netns");

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

	private static final SecureRandom random = new SecureRandom();

	private final String suffix;

	private final String subnet;

	private final String bridgeNamespace;

	private final Map<String, Host> hosts = new LinkedHashMap<>();

	private final Set<String> blackholes = new LinkedHashSet<>();

	private final Set<Host> down = new LinkedHashSet<>();

	private final Set<Host> throttled = new LinkedHashSet<>();

	private final Thread shutdownHook = new Thread(this::deleteNamespaces, "namespace-network-cleanup");

	private final boolean netem;

	private boolean closed;

	private NamespaceNetwork(String suffix, String subnet) {
		this.suffix = suffix;
		this.subnet = subnet;
		this.bridgeNamespace = PREFIX + suffix + "br";
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
		try {
			writeMarker();
			run("ip", "netns", "add", this.bridgeNamespace);
			ip(this.bridgeNamespace, "link", "add", "br0", "type", "bridge");
			ip(this.bridgeNamespace, "link", "set", "br0", "up");
			// This JVM's own link to the bridge: the checker's, never cut
			String local = PREFIX + suffix + "h";
			run("ip", "link", "add", local, "type", "veth", "peer", "name", local + "p");
			run("ip", "link", "set", local + "p", "netns", this.bridgeNamespace);
			ip(this.bridgeNamespace, "link", "set", local + "p", "master", "br0", "up");
			run("ip", "addr", "add", this.subnet + ".1/24", "dev", local);
			run("ip", "link", "set", local, "up");
			this.netem = probeNetem();
		}
		catch (RuntimeException ex) {
			close();
			throw ex;
		}
	}

	/**
	 * Return whether this machine can build the network: Linux, root, {@code ip} and
	 * {@code tc}.
	 * @return whether namespaces can be used
	 */
	static boolean isSupported() {
		try {
			return System.getProperty("os.name").toLowerCase().contains("linux")
					&& exec(List.of("ip", "netns", "list")).status() == 0 && exec(List.of("tc", "-V")).status() == 0
					&& exec(List.of("id", "-u")).output().trim().equals("0");
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/**
	 * Create the bridge of a new network on a random free {@code 10.x.y.0/24}, after
	 * deleting the namespaces of runs whose JVM is gone.
	 * @return the network
	 */
	static NamespaceNetwork create() {
		sweepStale();
		String routes = exec(List.of("ip", "-4", "route")).output();
		for (int attempt = 0; attempt < 50; attempt++) {
			String subnet = "10." + (16 + random.nextInt(224)) + "." + random.nextInt(256);
			if (!routes.contains(subnet + ".")) {
				String suffix = Integer.toString(random.nextInt(36 * 36 * 36 * 36), 36);
				return new NamespaceNetwork(suffix, subnet);
			}
		}
		throw new IllegalStateException("No free 10.x.y.0/24 subnet");
	}

	/**
	 * Add a host: a namespace with a veth link to the bridge and the next address.
	 * @param name the name of the host, at most 4 characters, unique in the network
	 * @return the host
	 */
	synchronized Host addHost(String name) {
		if (name.length() > 4 || this.hosts.containsKey(name)) {
			throw new IllegalArgumentException("Host names are unique and at most 4 characters: " + name);
		}
		int index = this.hosts.size();
		Host host = new Host(name, PREFIX + this.suffix + name, this.subnet + "." + (10 + index),
				PREFIX + this.suffix + index + "a", PREFIX + this.suffix + index + "b");
		run("ip", "netns", "add", host.namespace());
		this.hosts.put(name, host);
		run("ip", "link", "add", host.link(), "type", "veth", "peer", "name", host.bridgePort());
		run("ip", "link", "set", host.link(), "netns", host.namespace());
		run("ip", "link", "set", host.bridgePort(), "netns", this.bridgeNamespace);
		ip(this.bridgeNamespace, "link", "set", host.bridgePort(), "master", "br0", "up");
		ip(host.namespace(), "addr", "add", host.address() + "/24", "dev", host.link());
		ip(host.namespace(), "link", "set", "lo", "up");
		ip(host.namespace(), "link", "set", host.link(), "up");
		return host;
	}

	Host host(String name) {
		Host host = this.hosts.get(name);
		if (host == null) {
			throw new IllegalArgumentException("No host " + name);
		}
		return host;
	}

	/**
	 * Return the command words that run a program in the namespace of a host.
	 * @param host the host
	 * @return {@code ip netns exec <namespace>}
	 */
	List<String> launcher(Host host) {
		return List.of("ip", "netns", "exec", host.namespace());
	}

	@Override
	public String host(int nodeId) {
		return host("b" + nodeId).address();
	}

	@Override
	public List<String> launcher(int nodeId) {
		return launcher(host("b" + nodeId));
	}

	boolean hasNetem() {
		return this.netem;
	}

	/**
	 * Drop every packet {@code from} sends to {@code to}: a one-way partition (TCP
	 * connections between them stall both ways, since acknowledgements get lost).
	 * @param from the sending host
	 * @param to the receiving host
	 */
	synchronized void block(Host from, Host to) {
		String key = from.name() + ">" + to.name();
		if (this.blackholes.add(key)) {
			ip(from.namespace(), "route", "add", "blackhole", to.address() + "/32");
		}
	}

	/**
	 * Take the link of a host down: the host is cut from every other one and from the
	 * checker.
	 * @param host the host
	 */
	synchronized void disconnect(Host host) {
		if (this.down.add(host)) {
			ip(this.bridgeNamespace, "link", "set", host.bridgePort(), "down");
		}
	}

	/**
	 * Degrade what a host sends: latency and loss with {@code netem}, or a tight rate
	 * limit with {@code tbf} when the kernel lacks {@code netem}.
	 * @param host the host
	 * @param latency the added latency ({@code netem} only)
	 * @param lossPercent the loss ({@code netem} only)
	 */
	synchronized void throttle(Host host, Duration latency, int lossPercent) {
		if (!this.throttled.add(host)) {
			return;
		}
		if (this.netem) {
			tc(host.namespace(), "qdisc", "add", "dev", host.link(), "root", "netem", "delay",
					latency.toMillis() + "ms", (latency.toMillis() / 4) + "ms", "loss", lossPercent + "%");
		}
		else {
			tc(host.namespace(), "qdisc", "add", "dev", host.link(), "root", "tbf", "rate", "2mbit", "burst", "32kbit",
					"latency", latency.toMillis() + "ms");
		}
	}

	/**
	 * Remove every partition, link cut and throttle.
	 */
	synchronized void heal() {
		for (String key : this.blackholes) {
			String[] ends = key.split(">");
			ip(host(ends[0]).namespace(), "route", "del", "blackhole", host(ends[1]).address() + "/32");
		}
		this.blackholes.clear();
		for (Host host : this.down) {
			ip(this.bridgeNamespace, "link", "set", host.bridgePort(), "up");
		}
		this.down.clear();
		for (Host host : this.throttled) {
			tc(host.namespace(), "qdisc", "del", "dev", host.link(), "root");
		}
		this.throttled.clear();
	}

	/**
	 * Delete every namespace of this network; the processes in them must be gone. Never
	 * throws.
	 */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		deleteNamespaces();
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// The JVM is shutting down
		}
	}

	private void deleteNamespaces() {
		deleteNamespaces(this.suffix);
		try {
			Files.deleteIfExists(MARKERS.resolve(this.suffix));
		}
		catch (IOException ex) {
			logger.warn("Failed to delete the marker of network {}", this.suffix, ex);
		}
	}

	private static void deleteNamespaces(String suffix) {
		// The bridge namespace holds the peer of the local link: deleting it deletes both
		for (String namespace : namespaces()) {
			if (namespace.startsWith(PREFIX + suffix)) {
				Result result = exec(List.of("ip", "netns", "del", namespace));
				if (result.status() != 0) {
					logger.warn("Failed to delete namespace {}: {}", namespace, result.output());
				}
			}
		}
		exec(List.of("ip", "link", "del", PREFIX + suffix + "h"));
	}

	private static List<String> namespaces() {
		return exec(List.of("ip", "netns", "list")).output()
			.lines()
			.map((line) -> line.split(" ")[0])
			.filter((name) -> name.startsWith(PREFIX))
			.toList();
	}

	private void writeMarker() {
		try {
			Files.createDirectories(MARKERS);
			Files.writeString(MARKERS.resolve(this.suffix), Long.toString(ProcessHandle.current().pid()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Failed to write the marker of network " + this.suffix, ex);
		}
	}

	/**
	 * Delete the namespaces of runs whose JVM is gone (killed before its shutdown hook
	 * ran).
	 */
	private static void sweepStale() {
		if (!Files.isDirectory(MARKERS)) {
			return;
		}
		try (Stream<Path> markers = Files.list(MARKERS)) {
			for (Path marker : markers.toList()) {
				long owner = Long.parseLong(Files.readString(marker).trim());
				if (ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
					continue;
				}
				logger.warn("Deleting the namespaces of network {} left behind by process {}", marker.getFileName(),
						owner);
				deleteNamespaces(marker.getFileName().toString());
				Files.deleteIfExists(marker);
			}
		}
		catch (IOException | NumberFormatException ex) {
			logger.warn("Failed to sweep stale networks", ex);
		}
	}

	private boolean probeNetem() {
		Host probe = addHost("np");
		boolean available = exec(List.of("tc", "-n", probe.namespace(), "qdisc", "add", "dev", probe.link(), "root",
				"netem", "delay", "1ms"))
			.status() == 0;
		run("ip", "netns", "del", probe.namespace());
		this.hosts.remove(probe.name());
		return available;
	}

	private static void ip(String namespace, String... arguments) {
		List<String> command = new ArrayList<>(List.of("ip", "-n", namespace));
		command.addAll(List.of(arguments));
		run(command.toArray(String[]::new));
	}

	private static void tc(String namespace, String... arguments) {
		List<String> command = new ArrayList<>(List.of("tc", "-n", namespace));
		command.addAll(List.of(arguments));
		run(command.toArray(String[]::new));
	}

	private static void run(String... command) {
		Result result = exec(List.of(command));
		if (result.status() != 0) {
			throw new IllegalStateException("'" + String.join(" ", command) + "' failed with status " + result.status()
					+ ": " + result.output());
		}
	}

	private static Result exec(List<String> command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			process.getOutputStream().close();
			byte[] output = process.getInputStream().readAllBytes();
			if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("'" + String.join(" ", command) + "' timed out");
			}
			return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Failed to run " + command, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted running " + command, ex);
		}
	}

	private record Result(int status, String output) {

	}

	/**
	 * A host of the network.
	 *
	 * @param name the short name of the host
	 * @param namespace its network namespace
	 * @param address its IP address
	 * @param link its end of the veth pair, in its namespace
	 * @param bridgePort the other end, on the bridge
	 */
	record Host(String name, String namespace, String address, String link, String bridgePort) {

	}

}
