package dev.lossless.kafka.consumer;

import java.time.Duration;

import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;

/**
 * Makes every listener container of Spring Boot's container factory commit synchronously,
 * so that a failed commit is retried and reported instead of lost, and gives a stopping
 * container time to finish the records in hand and commit their offsets. Offsets are
 * committed after processing by the container's own acknowledgement modes; on a rebalance
 * the container commits pending offsets before the partitions are revoked.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class DurableContainerCustomizer
		implements ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> {

	private final Duration shutdownTimeout;

	/**
	 * Create an instance.
	 * @param shutdownTimeout how long a stopping container may take to finish its records
	 */
	public DurableContainerCustomizer(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	@Override
	public void configure(ConcurrentMessageListenerContainer<Object, Object> container) {
		ContainerProperties properties = container.getContainerProperties();
		properties.setSyncCommits(true);
		properties.setShutdownTimeout(this.shutdownTimeout.toMillis());
	}

}
