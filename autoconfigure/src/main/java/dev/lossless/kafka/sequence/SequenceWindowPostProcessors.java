package dev.lossless.kafka.sequence;

import java.util.Map;

import org.aopalliance.intercept.MethodInterceptor;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.kafka.core.ConsumerPostProcessor;
import org.springframework.kafka.core.ProducerPostProcessor;

/**
 * Wraps the clients that commit a listener container's offsets so that each commit
 * carries the partitions' sequence windows: the consumer's {@code commitSync} and
 * {@code commitAsync} with offsets, and, with transactions, the producer's
 * {@code sendOffsetsToTransaction}. spring-kafka's {@code OffsetAndMetadataProvider} is
 * not told the partition (4.1.1), so it cannot carry a partition's window.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class SequenceWindowPostProcessors {

	private SequenceWindowPostProcessors() {
	}

	/**
	 * Return a consumer post-processor that commits the windows with the offsets.
	 * @param commits adds the windows
	 * @return the post-processor
	 */
	public static ConsumerPostProcessor<Object, Object> consumers(SequenceWindowCommits commits) {
		return (consumer) -> proxy(consumer, Consumer.class, (invocation) -> {
			Object[] arguments = invocation.getArguments();
			String name = invocation.getMethod().getName();
			if ((name.equals("commitSync") || name.equals("commitAsync")) && arguments.length > 0
					&& arguments[0] instanceof Map<?, ?> offsets) {
				String group = consumer.groupMetadata().groupId();
				arguments[0] = commits.withWindows(group, cast(offsets));
			}
			return invocation.proceed();
		});
	}

	/**
	 * Return a producer post-processor that sends the windows to the transaction with the
	 * offsets.
	 * @param commits adds the windows
	 * @return the post-processor
	 */
	public static ProducerPostProcessor<Object, Object> producers(SequenceWindowCommits commits) {
		return (producer) -> new SequenceWindowProducer<>(producer, commits);
	}

	@SuppressWarnings("unchecked")
	private static Map<TopicPartition, OffsetAndMetadata> cast(Map<?, ?> offsets) {
		return (Map<TopicPartition, OffsetAndMetadata>) offsets;
	}

	@SuppressWarnings("unchecked")
	private static <T> T proxy(T target, Class<?> type, MethodInterceptor interceptor) {
		ProxyFactory factory = new ProxyFactory(target);
		factory.addInterface(type);
		factory.addAdvice(interceptor);
		return (T) factory.getProxy(SequenceWindowPostProcessors.class.getClassLoader());
	}

}
