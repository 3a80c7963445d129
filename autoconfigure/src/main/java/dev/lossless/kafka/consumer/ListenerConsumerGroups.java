package dev.lossless.kafka.consumer;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.kafka.common.TopicPartition;

import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.TopicPartitionOffset;
import org.springframework.util.Assert;

/**
 * The topics each consumer group of the application's listener containers consumes, by
 * group id. A container that subscribes with a pattern contributes the topics of the
 * partitions it is assigned at the time; a container without a group id contributes
 * nothing.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class ListenerConsumerGroups implements Supplier<Map<String, Set<String>>> {

	private final Supplier<Collection<MessageListenerContainer>> containers;

	/**
	 * Create an instance.
	 * @param containers the application's listener containers
	 */
	public ListenerConsumerGroups(Supplier<Collection<MessageListenerContainer>> containers) {
		Assert.notNull(containers, "'containers' cannot be null");
		this.containers = containers;
	}

	@Override
	public Map<String, Set<String>> get() {
		Map<String, Set<String>> topicsByGroup = new LinkedHashMap<>();
		for (MessageListenerContainer container : this.containers.get()) {
			try {
				String group = container.getGroupId();
				Set<String> topics = topicsOf(container);
				if (group != null && !topics.isEmpty()) {
					topicsByGroup.computeIfAbsent(group, (key) -> new LinkedHashSet<>()).addAll(topics);
				}
			}
			catch (UnsupportedOperationException ex) {
				// A custom container that does not tell its group or topics
			}
		}
		return topicsByGroup;
	}

	private static Set<String> topicsOf(MessageListenerContainer container) {
		Set<String> topics = new LinkedHashSet<>();
		ContainerProperties properties = container.getContainerProperties();
		if (properties.getTopics() != null) {
			topics.addAll(Arrays.asList(properties.getTopics()));
		}
		if (properties.getTopicPartitions() != null) {
			Arrays.stream(properties.getTopicPartitions()).map(TopicPartitionOffset::getTopic).forEach(topics::add);
		}
		if (properties.getTopicPattern() != null) {
			Collection<TopicPartition> assigned = container.getAssignedPartitions();
			if (assigned != null) {
				assigned.stream().map(TopicPartition::topic).forEach(topics::add);
			}
		}
		return topics;
	}

}
