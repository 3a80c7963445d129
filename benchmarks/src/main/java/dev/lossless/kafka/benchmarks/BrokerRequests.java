package dev.lossless.kafka.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Counts the requests that in-JVM brokers received, per API, from their own request
 * metrics ({@code kafka.network:type=RequestMetrics,name=RequestsPerSec}, read through
 * JMX): how many Admin calls reached the brokers, whatever client made them.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class BrokerRequests {

	private static final String REQUESTS = "kafka.network:type=RequestMetrics,name=RequestsPerSec,*";

	/**
	 * What the brokers and the controller say to each other, and a client's connection
	 * handshake (ApiVersions, again after an idle connection was closed): not the
	 * client's calls.
	 */
	private static final Set<String> INTERNAL = Set.of("ApiVersions", "BrokerHeartbeat", "BrokerRegistration", "Fetch",
			"Vote", "BeginQuorumEpoch", "EndQuorumEpoch", "FetchSnapshot", "Produce", "ControllerRegistration",
			"AlterPartition", "UpdateRaftVoter", "AddRaftVoter", "RemoveRaftVoter");

	private BrokerRequests() {
	}

	/**
	 * Return the requests received so far, per API, the brokers' own requests left out.
	 * @return the counts by API name
	 */
	static Map<String, Long> snapshot() {
		Map<String, Long> counts = new TreeMap<>();
		MBeanServer server = ManagementFactory.getPlatformMBeanServer();
		try {
			for (ObjectName name : server.queryNames(new ObjectName(REQUESTS), null)) {
				String api = name.getKeyProperty("request");
				if (api != null && !INTERNAL.contains(api)) {
					counts.merge(api, ((Number) server.getAttribute(name, "Count")).longValue(), Long::sum);
				}
			}
		}
		catch (JMException ex) {
			throw new IllegalStateException("Cannot read the brokers' request metrics", ex);
		}
		return counts;
	}

	/**
	 * Return what was received between two snapshots, APIs without a request left out.
	 */
	static Map<String, Long> since(Map<String, Long> before) {
		Map<String, Long> difference = new TreeMap<>();
		snapshot().forEach((api, count) -> {
			long delta = count - before.getOrDefault(api, 0L);
			if (delta > 0) {
				difference.put(api, delta);
			}
		});
		return difference;
	}

	static long total(Map<String, Long> counts) {
		return counts.values().stream().mapToLong(Long::longValue).sum();
	}

}
