package dev.lossless.kafka.autoconfigure;

import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * The application's listener containers, read when asked: they are registered after the
 * starter's beans are created.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class ListenerContainers {

	private ListenerContainers() {
	}

	static Supplier<Collection<MessageListenerContainer>> of(ObjectProvider<KafkaListenerEndpointRegistry> registry) {
		return () -> {
			KafkaListenerEndpointRegistry endpointRegistry = registry.getIfAvailable();
			return (endpointRegistry != null) ? endpointRegistry.getAllListenerContainers() : List.of();
		};
	}

}
