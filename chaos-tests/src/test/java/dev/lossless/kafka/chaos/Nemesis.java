package dev.lossless.kafka.chaos;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;

import dev.lossless.kafka.chaos.NamespaceNetwork.Host;
import dev.lossless.kafka.testcluster.KafkaProcessCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Node;

import static org.awaitility.Awaitility.await;

/**
 * Draws faults from a seeded random generator and injects them: process faults on brokers
 * ({@code SIGKILL}, {@code SIGTERM}, {@code SIGSTOP}) and on client applications, network
 * partitions (a broker isolated, a majority/minority split, the leader cut from its
 * followers but not from clients, a client cut from one broker, a one-way partition
 * between brokers), and a degraded link; sometimes two at once. {@link #heal()} ends
 * every fault in force. The same seed draws the same kinds, targets and durations; which
 * broker leads depends on the cluster.
 *
 * @author Lossless Kafka team
 */
final class Nemesis {

	/**
	 * The kinds of fault.
	 */
	enum Kind {

		BROKER_KILL, BROKER_TERM, BROKER_STOP, BROKER_ISOLATED, SPLIT, LEADER_CUT_FROM_FOLLOWERS,
		CLIENT_CUT_FROM_BROKER, ONE_WAY_BETWEEN_BROKERS, SLOW_LINK, CONSUMER_KILL, CONSUMER_TERM, CONSUMER_STOP,
		PRODUCER_STOP, PRODUCER_KILL

	}

	private final Random random;

	private final KafkaProcessCluster cluster;

	private final NamespaceNetwork network;

	private final Clients clients;

	private final IntSupplier leader;

	private final List<Runnable> healers = new ArrayList<>();

	private boolean leaderCutDrawn;

	private boolean leaderCutInForce;

	Nemesis(long seed, KafkaProcessCluster cluster, NamespaceNetwork network, Clients clients, IntSupplier leader) {
		this.random = new Random(seed);
		this.cluster = cluster;
		this.network = network;
		this.clients = clients;
		this.leader = leader;
	}

	/**
	 * Draw how long the next fault lasts.
	 * @return between 3 and 12 s
	 */
	Duration nextHold() {
		return Duration.ofMillis(3000 + this.random.nextInt(9000));
	}

	/**
	 * Draw how long the cluster rests between two faults.
	 * @return between 2 and 6 s
	 */
	Duration nextRest() {
		return Duration.ofMillis(2000 + this.random.nextInt(4000));
	}

	/**
	 * Draw and inject one fault, or two at once (one time in four).
	 * @param forceLeaderCut whether the fault must cut the leader from its followers (the
	 * fault that makes the negative control lose), when none was drawn yet
	 * @return what was injected
	 */
	String strike(boolean forceLeaderCut) {
		List<String> done = new ArrayList<>();
		if (forceLeaderCut && !this.leaderCutDrawn) {
			done.add(strikeLeaderCut());
		}
		else {
			done.add(inject(draw()));
			if (this.random.nextInt(4) == 0) {
				done.add(inject(draw()));
			}
		}
		return String.join(" + ", done);
	}

	/**
	 * Cut the leader of the control topic from its followers, not from the clients.
	 * @return what was injected
	 */
	String strikeLeaderCut() {
		return inject(Kind.LEADER_CUT_FROM_FOLLOWERS);
	}

	/**
	 * Return whether the last fault drawn was the leader cut, which must hold long enough
	 * for the controller to fence the cut leader (3 s broker session) and elect another.
	 * @return whether the leader cut is in force
	 */
	boolean leaderCutInForce() {
		return this.leaderCutInForce;
	}

	/**
	 * End every fault in force: links first, so that restarted brokers find their quorum.
	 */
	void heal() {
		this.leaderCutInForce = false;
		this.network.heal();
		List<Runnable> healers = List.copyOf(this.healers);
		this.healers.clear();
		healers.forEach(Runnable::run);
	}

	/**
	 * Restart a broker. On a loaded machine its start can outlast the cluster's 90 s
	 * bound: then wait longer for the process already started, rather than start it over.
	 */
	private void restartBroker(int broker) {
		try {
			this.cluster.restart(broker);
		}
		catch (IllegalStateException ex) {
			if (!this.cluster.isAlive(broker)) {
				throw ex;
			}
			System.out.println("Nemesis: broker " + broker + " slow to restart, waiting longer");
			await("broker " + broker + " to rejoin").atMost(Duration.ofMinutes(5))
				.pollInterval(Duration.ofSeconds(1))
				.until(() -> aliveBrokers().contains(broker));
		}
	}

	private Set<Integer> aliveBrokers() {
		try (Admin admin = this.cluster.createAdmin()) {
			return admin.describeCluster()
				.nodes()
				.get(10, TimeUnit.SECONDS)
				.stream()
				.map(Node::id)
				.collect(Collectors.toSet());
		}
		catch (ExecutionException | TimeoutException ex) {
			return Set.of();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Set.of();
		}
	}

	private Kind draw() {
		Kind[] kinds = Kind.values();
		return kinds[this.random.nextInt(kinds.length)];
	}

	private String inject(Kind kind) {
		int brokers = this.cluster.brokerCount();
		int broker = this.random.nextInt(brokers);
		String at = Instant.now().toString();
		String what = switch (kind) {
			case BROKER_KILL -> {
				this.cluster.kill(broker);
				this.healers.add(() -> restartBroker(broker));
				yield "SIGKILL broker " + broker;
			}
			case BROKER_TERM -> {
				this.cluster.terminate(broker);
				this.healers.add(() -> restartBroker(broker));
				yield "SIGTERM broker " + broker;
			}
			case BROKER_STOP -> {
				if (!this.cluster.isAlive(broker)) {
					yield "SIGSTOP broker " + broker + " (not running)";
				}
				this.cluster.pause(broker);
				this.healers.add(() -> {
					if (this.cluster.isAlive(broker)) {
						this.cluster.resume(broker);
					}
				});
				yield "SIGSTOP broker " + broker;
			}
			case BROKER_ISOLATED -> {
				this.network.disconnect(brokerHost(broker));
				yield "isolate broker " + broker + " (link down)";
			}
			case SPLIT -> {
				// The minority: one broker and some clients; the rest is the majority
				List<Host> minority = new ArrayList<>(List.of(brokerHost(broker)));
				List<Host> majority = new ArrayList<>();
				for (int other = 0; other < brokers; other++) {
					if (other != broker) {
						majority.add(brokerHost(other));
					}
				}
				for (Host client : this.clients.hosts()) {
					(this.random.nextBoolean() ? minority : majority).add(client);
				}
				for (Host a : minority) {
					for (Host b : majority) {
						this.network.block(a, b);
						this.network.block(b, a);
					}
				}
				yield "split: minority " + minority.stream().map(Host::name).toList();
			}
			case LEADER_CUT_FROM_FOLLOWERS -> {
				this.leaderCutDrawn = true;
				this.leaderCutInForce = true;
				int leader = this.leader.getAsInt();
				int cut = (leader >= 0) ? leader : broker;
				for (int other = 0; other < brokers; other++) {
					if (other != cut) {
						this.network.block(brokerHost(cut), brokerHost(other));
						this.network.block(brokerHost(other), brokerHost(cut));
					}
				}
				yield "cut leader " + cut + " from its followers (clients still reach it)";
			}
			case CLIENT_CUT_FROM_BROKER -> {
				Host client = pick(this.clients.hosts());
				this.network.block(client, brokerHost(broker));
				this.network.block(brokerHost(broker), client);
				yield "cut client " + client.name() + " from broker " + broker;
			}
			case ONE_WAY_BETWEEN_BROKERS -> {
				int to = (broker + 1 + this.random.nextInt(brokers - 1)) % brokers;
				this.network.block(brokerHost(broker), brokerHost(to));
				yield "one-way: broker " + broker + " -> " + to + " dropped";
			}
			case SLOW_LINK -> {
				List<Host> all = new ArrayList<>(this.clients.hosts());
				for (int id = 0; id < brokers; id++) {
					all.add(brokerHost(id));
				}
				Host host = pick(all);
				Duration latency = Duration.ofMillis(50 + this.random.nextInt(250));
				this.network.throttle(host, latency, 1 + this.random.nextInt(10));
				yield "slow link of " + host.name()
						+ (this.network.hasNetem() ? " (netem " + latency.toMillis() + " ms)"
								: " (tbf 2 Mbit/s, " + latency.toMillis() + " ms queue; no netem in this kernel)");
			}
			case CONSUMER_KILL, CONSUMER_TERM, CONSUMER_STOP -> {
				int index = this.random.nextInt(this.clients.consumers());
				yield this.clients.fault(kind, index, this.healers);
			}
			case PRODUCER_STOP, PRODUCER_KILL -> {
				int index = this.random.nextInt(this.clients.producers());
				yield this.clients.fault(kind, index, this.healers);
			}
		};
		return at + " " + what;
	}

	private Host brokerHost(int broker) {
		return this.network.host("b" + broker);
	}

	private <T> T pick(List<T> items) {
		return items.get(this.random.nextInt(items.size()));
	}

	/**
	 * The client applications the nemesis may fault.
	 */
	interface Clients {

		/**
		 * Return the hosts of the client applications under test.
		 * @return the hosts
		 */
		List<Host> hosts();

		int consumers();

		int producers();

		/**
		 * Inject a process fault into a client application and register its healer.
		 * @param kind the kind, a consumer or producer fault
		 * @param index the index of the application among its kind
		 * @param healers where to add what ends the fault
		 * @return what was injected
		 */
		String fault(Kind kind, int index, List<Runnable> healers);

	}

}
