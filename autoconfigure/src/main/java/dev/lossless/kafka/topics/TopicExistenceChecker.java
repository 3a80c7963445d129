package dev.lossless.kafka.topics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;

/**
 * Confirms through the Admin client that a topic, or a partition of it, does not exist:
 * the Kafka client cannot tell that from an unreachable cluster. Asked only after a send
 * already failed on a metadata timeout, never on the way of a send that works. Each call
 * is bounded; the answer for a topic (its partition count, or missing) is shared by the
 * callers that ask at the same time and kept for {@link #CACHE_TIME}, no answer for
 * {@link #UNANSWERED_CACHE_TIME} (an outage lasts, and each failing send would otherwise
 * wait for the Admin client too), so that a burst of failing sends asks the brokers once.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class TopicExistenceChecker implements DisposableBean {

	/**
	 * How long an answer is kept.
	 */
	public static final Duration CACHE_TIME = Duration.ofSeconds(5);

	/**
	 * How long it is remembered that the brokers did not answer.
	 */
	public static final Duration UNANSWERED_CACHE_TIME = Duration.ofSeconds(30);

	private static final Log logger = LogFactory.getLog(TopicExistenceChecker.class);

	/**
	 * Partition count of a topic the brokers said is missing.
	 */
	private static final int MISSING = 0;

	/**
	 * Partition count of a topic the brokers did not describe in time.
	 */
	private static final int UNKNOWN = -1;

	private final BoundedAdmin client;

	private final Map<String, Answer> answers = new ConcurrentHashMap<>();

	/**
	 * Create an instance.
	 * @param adminConfig the Admin client configuration, for example {@code KafkaAdmin}'s
	 * @param timeout the bound on each call
	 */
	public TopicExistenceChecker(Map<String, Object> adminConfig, Duration timeout) {
		this.client = new BoundedAdmin(adminConfig, timeout);
	}

	/**
	 * Return whether the brokers confirmed that the topic, or the partition, does not
	 * exist.
	 * @param topic the topic
	 * @param partition the partition, or {@code null} for any
	 * @return {@code true} only if the brokers answered and the topic is missing or has
	 * no such partition
	 */
	public boolean confirmedMissing(String topic, @Nullable Integer partition) {
		int partitions = partitionCount(topic);
		if (partitions == UNKNOWN) {
			return false;
		}
		return partitions == MISSING || (partition != null && partition >= partitions);
	}

	private int partitionCount(String topic) {
		long now = System.nanoTime();
		Answer asked = new Answer(now, new CompletableFuture<>());
		Answer answer = this.answers.compute(topic,
				(name, known) -> (known != null && known.isFresh(now)) ? known : asked);
		if (answer == asked) {
			// this caller asks; the others that come meanwhile wait for its answer
			asked.partitions.complete(describe(topic));
		}
		try {
			return answer.partitions.get(this.client.timeout().toMillis() * 2, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return UNKNOWN;
		}
		catch (ExecutionException | java.util.concurrent.TimeoutException ex) {
			return UNKNOWN;
		}
	}

	private int describe(String topic) {
		long deadline = this.client.deadline();
		try {
			TopicDescription description = this.client.admin()
				.describeTopics(List.of(topic),
						new DescribeTopicsOptions().timeoutMs(BoundedAdmin.remainingMillis(deadline)))
				.allTopicNames()
				.get(BoundedAdmin.remainingMillis(deadline), TimeUnit.MILLISECONDS)
				.get(topic);
			return (description != null) ? description.partitions().size() : MISSING;
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof UnknownTopicOrPartitionException) {
				return MISSING;
			}
			logger.debug("Could not tell whether topic '" + topic + "' exists: " + this.client.describeFailure(ex));
			return UNKNOWN;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return UNKNOWN;
		}
		catch (java.util.concurrent.TimeoutException | RuntimeException ex) {
			logger.debug("Could not tell whether topic '" + topic + "' exists: " + this.client.describeFailure(ex));
			return UNKNOWN;
		}
	}

	@Override
	public void destroy() {
		this.client.close();
	}

	private record Answer(long askedAt, CompletableFuture<Integer> partitions) {

		boolean isFresh(long now) {
			if (!this.partitions.isDone()) {
				return true;
			}
			Duration kept = (this.partitions.getNow(UNKNOWN) == UNKNOWN) ? UNANSWERED_CACHE_TIME : CACHE_TIME;
			return now - this.askedAt < kept.toNanos();
		}

	}

}
