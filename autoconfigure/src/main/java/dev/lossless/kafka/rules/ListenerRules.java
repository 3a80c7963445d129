package dev.lossless.kafka.rules;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.kafka.listener.FailedRecordProcessor;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.listener.ShareKafkaMessageListenerContainer;
import org.springframework.util.ClassUtils;

/**
 * The catalogue's rules on listener containers: what happens to a failed record, how
 * offsets are committed, and transactions.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class ListenerRules {

	private ListenerRules() {
	}

	static List<Rule<MessageListenerContainer>> rules(boolean exactlyOnce) {
		return List.of(listenerErrorHandler(), listenerSyncCommits(), listenerExactlyOnce(exactlyOnce));
	}

	private static Rule<MessageListenerContainer> listenerErrorHandler() {
		return new Rule<>("listener.error-handler", Stage.CONSUMER, "commonErrorHandler, afterRollbackProcessor",
				"an error handler (with transactions: an after-rollback processor) that recovers to a dead-letter topic",
				"Without an error handler, spring-kafka retries a failing record 10 times, logs it, and commits "
						+ "past it; an error handler without a dead-letter recoverer does the same: the record is lost. "
						+ "A transactional container hands failed records to its after-rollback processor, whose "
						+ "default also logs and skips them after 10 attempts.",
				"Build your DefaultErrorHandler (or DefaultAfterRollbackProcessor) on a DeadLetterPublishingRecoverer "
						+ "(the starter's is a bean you can inject), or remove your CommonErrorHandler, "
						+ "AfterRollbackProcessor and ConsumerRecordRecoverer beans so the starter's apply; for a "
						+ "handler of your own that the starter cannot read and that keeps failed records, accept the "
						+ "risk (lossless.kafka.accepted-risks=listener.error-handler).",
				(container) -> {
					if (!(container instanceof AbstractMessageListenerContainer<?, ?> abstractContainer)) {
						return new Reading(false, "unknown (" + ClassUtils.getShortName(container.getClass()) + ")");
					}
					Object handler = abstractContainer.getCommonErrorHandler();
					if (container.getContainerProperties().getKafkaAwareTransactionManager() == null) {
						return readErrorHandler(handler);
					}
					// with a transaction, an error handler sees the record first and
					// the after-rollback processor gets what it rethrows
					Reading errorHandler = (handler != null) ? readErrorHandler(handler) : null;
					return (errorHandler != null && !errorHandler.safe()) ? errorHandler
							: readAfterRollbackProcessor(abstractContainer.getAfterRollbackProcessor());
				}, (container) -> !isShareContainer(container));
	}

	private static Reading readErrorHandler(@Nullable Object handler) {
		if (handler == null) {
			return new Reading(false, "none (spring-kafka logs and skips failed records)");
		}
		return readFailedRecordHandling(handler, "logs and skips failed records after its retries");
	}

	private static Reading readAfterRollbackProcessor(Object processor) {
		return readFailedRecordHandling(processor, "logs and skips failed records after 10 attempts");
	}

	private static Reading readFailedRecordHandling(Object handler, String withoutRecoverer) {
		String name = ClassUtils.getShortName(handler.getClass());
		if (handler instanceof DeadLettering deadLettering) {
			if (!deadLettering.isDeadLettering()) {
				return new Reading(false, name + " without a dead-letter recoverer");
			}
			// the starter's recoverer bean, injected and told not to fail on a failed
			// publish
			FailedRecordRecoverers.Recoverer recoverer = (handler instanceof FailedRecordProcessor processor)
					? FailedRecordRecoverers.read(processor) : FailedRecordRecoverers.Recoverer.UNREADABLE;
			return (recoverer.kind() == FailedRecordRecoverers.Kind.UNCHECKED_DEAD_LETTERS)
					? readRecoverer(handler, recoverer, withoutRecoverer) : new Reading(true, name);
		}
		if (!(handler instanceof FailedRecordProcessor processor)) {
			return new Reading(false, name + " (the starter cannot tell whether it keeps failed records)");
		}
		return readRecoverer(handler, FailedRecordRecoverers.read(processor), withoutRecoverer);
	}

	static Reading readRecoverer(Object handler, FailedRecordRecoverers.Recoverer recoverer, String withoutRecoverer) {
		String name = ClassUtils.getShortName(handler.getClass());
		return switch (recoverer.kind()) {
			case DEAD_LETTERS -> new Reading(true, name + " with a " + recoverer.description());
			case UNCHECKED_DEAD_LETTERS -> new Reading(false, name + " with a " + recoverer.description()
					+ " that does not fail when the publish fails (failIfSendResultIsError=false): the record is "
					+ "committed without its dead letter");
			case LOGS_ONLY -> new Reading(false,
					(handler.getClass() == DefaultAfterRollbackProcessor.class)
							? name + " (spring-kafka " + withoutRecoverer + ")"
							: name + " without a recoverer (spring-kafka " + withoutRecoverer + ")");
			case OWN -> new Reading(false, name + " with its own recoverer, " + recoverer.description()
					+ " (the starter cannot tell whether that keeps failed records)");
			case UNREADABLE -> new Reading(false, name + " (the starter cannot tell whether it keeps failed records: "
					+ "this spring-kafka version hides its recoverer)");
		};
	}

	private static Rule<MessageListenerContainer> listenerSyncCommits() {
		return new Rule<>("listener.sync-commits", Stage.CONSUMER, "syncCommits", "true",
				"An asynchronous commit that fails is not retried; the next rebalance or restart then redelivers, "
						+ "or, when a later commit succeeded out of order, an older offset wins.",
				"Remove the ContainerCustomizer that sets syncCommits=false.", (container) -> {
					boolean sync = container.getContainerProperties().isSyncCommits();
					return new Reading(sync, Boolean.toString(sync));
				}, (container) -> !isShareContainer(container));
	}

	private static Rule<MessageListenerContainer> listenerExactlyOnce(boolean exactlyOnce) {
		return new Rule<>("listener.exactly-once", Stage.CONSUMER,
				"kafkaAwareTransactionManager, stopContainerWhenFenced",
				"a Kafka transaction manager when exactly-once is on; stop when fenced",
				"With exactly-once on, a container without the Kafka transaction manager commits its offsets apart "
						+ "from its output, and its listener's sends fail outside a transaction, so records end in the "
						+ "dead-letter topic; a transactional container that keeps running after its producer was "
						+ "fenced moves past the records of the failed transaction.",
				"Give the container the Kafka transaction manager: define a single KafkaAwareTransactionManager bean "
						+ "(Spring Boot drops it when there are several) and let Spring Boot's container factory use "
						+ "it; do not set stopContainerWhenFenced=false.",
				(container) -> {
					ContainerProperties properties = container.getContainerProperties();
					if (properties.getKafkaAwareTransactionManager() == null) {
						return exactlyOnce ? new Reading(false, "no transaction manager")
								: new Reading(true, "no transactions (exactly-once off)");
					}
					return properties.isStopContainerWhenFenced()
							? new Reading(true, "Kafka transaction manager, stopContainerWhenFenced=true")
							: new Reading(false, "Kafka transaction manager, stopContainerWhenFenced=false");
				}, (container) -> !isShareContainer(container));
	}

	static boolean isShareContainer(MessageListenerContainer container) {
		return container instanceof ShareKafkaMessageListenerContainer;
	}

}
