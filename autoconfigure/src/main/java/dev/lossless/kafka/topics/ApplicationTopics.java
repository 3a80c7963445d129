package dev.lossless.kafka.topics;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.kafka.clients.admin.NewTopic;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.TopicPartitionOffset;

/**
 * The topics an application uses: those of its listener containers and their dead-letter
 * topics, those it declares as {@link NewTopic} beans, and those named in
 * {@code lossless.kafka.topics.verify}. Containers that subscribe with a pattern
 * contribute no name: name such topics in {@code lossless.kafka.topics.verify}.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class ApplicationTopics {

	private final Supplier<Collection<MessageListenerContainer>> containers;

	private final Supplier<Collection<NewTopic>> declaredTopics;

	private final List<String> verify;

	private final String deadLetterSuffix;

	/**
	 * Create an instance.
	 * @param containers the application's listener containers
	 * @param declaredTopics the application's declared topics
	 * @param verify further topic names to audit
	 * @param deadLetterSuffix the suffix that names a topic's dead-letter topic
	 */
	public ApplicationTopics(Supplier<Collection<MessageListenerContainer>> containers,
			Supplier<Collection<NewTopic>> declaredTopics, List<String> verify, String deadLetterSuffix) {
		this.containers = containers;
		this.declaredTopics = declaredTopics;
		this.verify = List.copyOf(verify);
		this.deadLetterSuffix = deadLetterSuffix;
	}

	/**
	 * Return the topics the listener containers consume.
	 * @return the topic names
	 */
	public Set<String> listenerTopics() {
		Set<String> topics = new LinkedHashSet<>();
		for (MessageListenerContainer container : this.containers.get()) {
			ContainerProperties properties = container.getContainerProperties();
			if (properties.getTopics() != null) {
				topics.addAll(Arrays.asList(properties.getTopics()));
			}
			if (properties.getTopicPartitions() != null) {
				Arrays.stream(properties.getTopicPartitions()).map(TopicPartitionOffset::getTopic).forEach(topics::add);
			}
		}
		// a listener on a dead-letter topic dead-letters too: its own dead-letter topic
		// is
		// audited and created
		return topics;
	}

	/**
	 * Return every topic the application uses, dead-letter topics included.
	 * @return the topic names
	 */
	public Set<String> all() {
		Set<String> topics = new LinkedHashSet<>();
		for (String topic : listenerTopics()) {
			topics.add(topic);
			topics.add(deadLetterTopicOf(topic));
		}
		this.declaredTopics.get().forEach((topic) -> topics.add(topic.name()));
		topics.addAll(this.verify);
		return topics;
	}

	/**
	 * Return the name of the dead-letter topic of the given topic.
	 * @param topic the topic
	 * @return the dead-letter topic's name
	 */
	public String deadLetterTopicOf(String topic) {
		return topic + this.deadLetterSuffix;
	}

	/**
	 * Return the listener topic whose dead-letter topic the given topic is.
	 * @param topic the topic
	 * @return the source topic, or {@code null} when the topic is no listener's
	 * dead-letter topic
	 * @since 0.2.0
	 */
	public @Nullable String sourceOfDeadLetterTopic(String topic) {
		if (!isDeadLetterTopic(topic)) {
			return null;
		}
		String source = topic.substring(0, topic.length() - this.deadLetterSuffix.length());
		return listenerTopics().contains(source) ? source : null;
	}

	private boolean isDeadLetterTopic(String topic) {
		return topic.endsWith(this.deadLetterSuffix);
	}

}
