package dev.lossless.kafka.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Reads the group configs of share groups (KIP-932), such as
 * {@code share.auto.offset.reset}, with the Admin client, bounded by a timeout: they are
 * group configs on the brokers, not client settings.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class ShareGroupInspector implements AutoCloseable {

	private final BoundedAdmin client;

	/**
	 * Create an instance.
	 * @param adminConfig the Admin client configuration, for example {@code KafkaAdmin}'s
	 * @param timeout the bound on one inspection
	 */
	public ShareGroupInspector(Map<String, Object> adminConfig, Duration timeout) {
		this.client = new BoundedAdmin(adminConfig, timeout);
	}

	/**
	 * Read the configs of the given share groups.
	 * @param groups the share group ids
	 * @return the state of each group, in the given order; a group the brokers did not
	 * answer for has no configs and an error
	 */
	public List<ShareGroupState> inspect(Collection<String> groups) {
		if (groups.isEmpty()) {
			return List.of();
		}
		List<ConfigResource> resources = groups.stream()
			.map((group) -> new ConfigResource(ConfigResource.Type.GROUP, group))
			.toList();
		long deadline = this.client.deadline();
		List<ShareGroupState> states = new ArrayList<>();
		try {
			Map<ConfigResource, Config> configs = this.client.admin()
				.describeConfigs(resources,
						new DescribeConfigsOptions().timeoutMs(BoundedAdmin.remainingMillis(deadline)))
				.all()
				.get(BoundedAdmin.remainingMillis(deadline), TimeUnit.MILLISECONDS);
			for (ConfigResource resource : resources) {
				Map<String, String> values = new LinkedHashMap<>();
				Config config = configs.get(resource);
				if (config != null) {
					config.entries().forEach((entry) -> values.put(entry.name(), entry.value()));
				}
				states.add(new ShareGroupState(resource.name(), values, null));
			}
			return states;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return unreadable(groups, "interrupted");
		}
		catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException ex) {
			return unreadable(groups, this.client.describeFailure(ex));
		}
	}

	private static List<ShareGroupState> unreadable(Collection<String> groups, String error) {
		return groups.stream().map((group) -> new ShareGroupState(group, null, error)).toList();
	}

	@Override
	public void close() {
		this.client.close();
	}

}
