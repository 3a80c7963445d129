package dev.lossless.kafka.actuate;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * The {@code kafkaListeners} health, meant for the liveness group: {@code DOWN} only when
 * a listener container stopped abnormally (not {@code isInExpectedState()}: an
 * {@link Error} in its consumer thread, a fenced producer with
 * {@code stopContainerWhenFenced}) or one of a running container's consumers stopped,
 * which only a restart repairs. A container stopped on purpose, a paused one, or a
 * partition stalled on a failing dead-letter publish (which heals when the topic comes
 * back) do not count: those are in the {@code kafkaReliability} health.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public class ListenerContainersLivenessIndicator extends AbstractHealthIndicator {

	private final Supplier<Collection<MessageListenerContainer>> containers;

	/**
	 * Create an instance.
	 * @param containers the application's listener containers
	 */
	public ListenerContainersLivenessIndicator(Supplier<Collection<MessageListenerContainer>> containers) {
		super("Kafka listener container liveness check failed");
		this.containers = containers;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.up();
		Map<String, String> stopped = new LinkedHashMap<>();
		for (MessageListenerContainer container : this.containers.get()) {
			String id = (container.getListenerId() != null) ? container.getListenerId() : container.toString();
			if (!container.isInExpectedState()) {
				stopped.put(id, "stopped abnormally (see the logs for the cause)");
			}
			else if (container.isRunning() && container instanceof ConcurrentMessageListenerContainer<?, ?> concurrent
					&& concurrent.getContainers().stream().anyMatch((consumer) -> !consumer.isRunning())) {
				stopped.put(id, "a consumer of the running container stopped (see the logs for the cause)");
			}
		}
		if (!stopped.isEmpty()) {
			builder.down().withDetail("stopped", stopped);
		}
	}

}
