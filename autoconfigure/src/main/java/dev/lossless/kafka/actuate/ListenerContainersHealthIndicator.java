package dev.lossless.kafka.actuate;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import dev.lossless.kafka.consumer.RecoveryListener;
import dev.lossless.kafka.consumer.RecoveryListener.RecoveryStatistics;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Health of the application's listener containers: {@code DOWN} when a container that
 * should run is not running or not in its expected state (stopped by an error), when one
 * of its consumers stopped while it runs (a fenced producer), or when a partition is
 * stalled on a record that could not be published to its dead-letter topic.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public class ListenerContainersHealthIndicator extends AbstractHealthIndicator {

	private final Supplier<Collection<MessageListenerContainer>> containers;

	private final @Nullable RecoveryListener recovery;

	/**
	 * Create an instance.
	 * @param containers the application's listener containers
	 * @param recovery the observer of the error handler, or {@code null}
	 */
	public ListenerContainersHealthIndicator(Supplier<Collection<MessageListenerContainer>> containers,
			@Nullable RecoveryListener recovery) {
		super("Kafka listener container health check failed");
		this.containers = containers;
		this.recovery = recovery;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.up();
		Map<String, Object> details = new LinkedHashMap<>();
		for (MessageListenerContainer container : this.containers.get()) {
			boolean running = container.isRunning();
			boolean expected = container.isInExpectedState();
			Map<String, Object> state = new LinkedHashMap<>();
			state.put("running", running);
			state.put("paused", container.isContainerPaused() || container.isPauseRequested());
			state.put("inExpectedState", expected);
			state.put("groupId", container.getGroupId());
			long stoppedConsumers = running ? stoppedConsumers(container) : 0;
			if ((container.isAutoStartup() && !running) || !expected) {
				builder.down();
				state.put("reason", expected ? "not running" : "stopped abnormally (see the logs for the cause)");
			}
			else if (stoppedConsumers > 0) {
				builder.down();
				state.put("reason", stoppedConsumers + " of its consumers stopped (a fenced producer, for instance; "
						+ "see the logs for the cause)");
			}
			details.put(nameOf(container), state);
		}
		builder.withDetail("containers", details);
		if (this.recovery != null) {
			RecoveryStatistics statistics = this.recovery.statistics();
			builder.withDetail("deadLettered", statistics.deadLettered())
				.withDetail("deadLetterFailures", statistics.deadLetterFailures());
			if (!statistics.stalled().isEmpty()) {
				builder.down()
					.withDetail("stalled", statistics.stalled())
					.withDetail("reason", "dead-letter publishing fails; the records are retried, not skipped");
			}
		}
	}

	/**
	 * Return how many consumers of a running concurrent container have stopped:
	 * spring-kafka stops one whose producer was fenced and leaves the container running.
	 */
	private static long stoppedConsumers(MessageListenerContainer container) {
		if (container instanceof ConcurrentMessageListenerContainer<?, ?> concurrent) {
			return concurrent.getContainers().stream().filter((consumer) -> !consumer.isRunning()).count();
		}
		return 0;
	}

	private static String nameOf(MessageListenerContainer container) {
		String id = container.getListenerId();
		return (id != null) ? id : container.toString();
	}

}
