package dev.lossless.kafka.consumer;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.TopicPartitionOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The groups and topics {@link ListenerConsumerGroups} reads from listener containers.
 */
class ListenerConsumerGroupsTests {

	@Test
	void topicsAreGroupedByTheContainersGroupIdWhereverItIsSet() {
		ContainerProperties orders = new ContainerProperties("orders", "refunds");
		orders.setGroupId("billing");
		ContainerProperties assigned = new ContainerProperties(new TopicPartitionOffset("invoices", 0));
		ContainerProperties fromFactory = new ContainerProperties("shipments");
		List<MessageListenerContainer> containers = List.of(container(orders, null), container(assigned, "billing"),
				container(fromFactory, "shipping"));
		assertThat(new ListenerConsumerGroups(() -> containers).get()).containsExactly(
				Map.entry("billing", Set.of("orders", "refunds", "invoices")),
				Map.entry("shipping", Set.of("shipments")));
	}

	@Test
	void containerWithoutGroupOrWithAnUnassignedPatternContributesNothing() {
		List<MessageListenerContainer> containers = List.of(container(new ContainerProperties("orders"), null),
				container(new ContainerProperties(Pattern.compile("orders-.*")), "billing"));
		assertThat(new ListenerConsumerGroups(() -> containers).get()).isEmpty();
	}

	private static MessageListenerContainer container(ContainerProperties properties, String factoryGroupId) {
		properties.setMessageListener((MessageListener<String, String>) (record) -> {
		});
		Map<String, Object> config = (factoryGroupId != null) ? Map.of(ConsumerConfig.GROUP_ID_CONFIG, factoryGroupId)
				: Map.of();
		return new ConcurrentMessageListenerContainer<>(new DefaultKafkaConsumerFactory<String, String>(config),
				properties);
	}

}
