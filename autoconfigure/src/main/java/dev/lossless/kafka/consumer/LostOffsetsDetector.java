package dev.lossless.kafka.consumer;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.lossless.kafka.support.ForwardingRebalanceListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.KafkaException;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.util.Assert;

/**
 * Finds the offsets a listener container's consumer skips because they were deleted
 * before it read them, and reports them to {@link LostOffsets}:
 * <ul>
 * <li>when a partition is assigned, a committed offset below the log start offset (the
 * records between them were deleted while no member of the group read the partition, for
 * example while the application was down);</li>
 * <li>while running, a record whose offset is past the next one expected: Kafka has no
 * callback for an automatic out-of-range reset, so a jump forward is confirmed with the
 * partition's log start offset, first as the consumer last heard it in a fetch (its
 * {@code records-lead} metric, no request) and, when that is past the expected offset,
 * with a {@code ListOffsets} request. Transaction markers, aborted records and compaction
 * also leave jumps; they are below the log start offset only when deleted too.</li>
 * </ul>
 * The container's rebalance listener is wrapped and called as the container would call
 * it.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class LostOffsetsDetector<K, V> extends ForwardingRebalanceListener
		implements RecordInterceptor<K, V>, BatchInterceptor<K, V> {

	private static final Log logger = LogFactory.getLog(LostOffsetsDetector.class);

	/**
	 * The bound on the requests made on the consumer's thread to read committed and log
	 * start offsets.
	 */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	private static final AtomicLongArray NONE = new AtomicLongArray(0);

	private final LostOffsets lostOffsets;

	private final String group;

	private final Duration timeout;

	/**
	 * The next offset expected per topic, indexed by partition, {@code -1} when unknown.
	 */
	private final Map<String, AtomicLongArray> expected = new ConcurrentHashMap<>();

	/**
	 * Create an instance.
	 * @param lostOffsets where lost offsets are reported
	 * @param group the container's consumer group
	 * @param delegate the container's rebalance listener, or {@code null}
	 * @param timeout the bound on each request made on the consumer's thread
	 */
	public LostOffsetsDetector(LostOffsets lostOffsets, String group, @Nullable ConsumerRebalanceListener delegate,
			Duration timeout) {
		super(delegate);
		Assert.notNull(lostOffsets, "'lostOffsets' cannot be null");
		Assert.notNull(group, "'group' cannot be null");
		Assert.isTrue(timeout != null && timeout.toMillis() > 0, "'timeout' must be positive");
		this.lostOffsets = lostOffsets;
		this.group = group;
		this.timeout = timeout;
	}

	@Override
	public ConsumerRecord<K, V> intercept(ConsumerRecord<K, V> record, Consumer<K, V> consumer) {
		check(record, consumer);
		return record;
	}

	@Override
	public ConsumerRecords<K, V> intercept(ConsumerRecords<K, V> records, Consumer<K, V> consumer) {
		for (ConsumerRecord<K, V> record : records) {
			check(record, consumer);
		}
		return records;
	}

	private void check(ConsumerRecord<?, ?> record, Consumer<?, ?> consumer) {
		AtomicLongArray offsets = this.expected.getOrDefault(record.topic(), NONE);
		if (record.partition() >= offsets.length()) {
			offsets = grow(record.topic(), record.partition());
		}
		long expected = offsets.get(record.partition());
		if (expected >= 0 && record.offset() > expected) {
			TopicPartition partition = new TopicPartition(record.topic(), record.partition());
			Long hint = logStartHint(consumer, partition);
			if (hint == null || hint > expected) {
				Long logStart = logStart(consumer, partition);
				if (logStart != null && logStart > expected) {
					this.lostOffsets.report(this.group, partition.topic(), partition.partition(), expected,
							Math.min(logStart, record.offset()), "the consumer's position jumped from " + expected
									+ " to " + record.offset() + " past the log start offset " + logStart);
				}
			}
		}
		// a record read again (a seek back) moves the expectation back as well
		offsets.set(record.partition(), record.offset() + 1);
	}

	private synchronized AtomicLongArray grow(String topic, int partition) {
		AtomicLongArray offsets = this.expected.getOrDefault(topic, NONE);
		if (partition < offsets.length()) {
			return offsets;
		}
		AtomicLongArray grown = new AtomicLongArray(partition + 1);
		for (int i = 0; i < grown.length(); i++) {
			grown.set(i, (i < offsets.length()) ? offsets.get(i) : -1);
		}
		this.expected.put(topic, grown);
		return grown;
	}

	private void expect(TopicPartition partition, long offset) {
		AtomicLongArray offsets = this.expected.getOrDefault(partition.topic(), NONE);
		if (partition.partition() >= offsets.length()) {
			offsets = grow(partition.topic(), partition.partition());
		}
		offsets.set(partition.partition(), offset);
	}

	/**
	 * Return the log start offset the consumer heard in its last fetch of the partition:
	 * its position minus its {@code records-lead} metric.
	 */
	private static @Nullable Long logStartHint(Consumer<?, ?> consumer, TopicPartition partition) {
		try {
			for (Map.Entry<MetricName, ? extends Metric> entry : consumer.metrics().entrySet()) {
				MetricName name = entry.getKey();
				if ("records-lead".equals(name.name()) && partition.topic().equals(name.tags().get("topic"))
						&& String.valueOf(partition.partition()).equals(name.tags().get("partition"))
						&& entry.getValue().metricValue() instanceof Number lead && !Double.isNaN(lead.doubleValue())) {
					return consumer.position(partition, Duration.ZERO) - lead.longValue();
				}
			}
		}
		catch (KafkaException ex) {
			// no hint: ask the broker
		}
		return null;
	}

	private @Nullable Long logStart(Consumer<?, ?> consumer, TopicPartition partition) {
		try {
			return consumer.beginningOffsets(Set.of(partition), this.timeout).get(partition);
		}
		catch (KafkaException ex) {
			logger.warn("Could not read the log start offset of " + partition + " for consumer group '" + this.group
					+ "' to confirm a jump of its position: " + ex);
			return null;
		}
	}

	@Override
	protected void released(Collection<TopicPartition> partitions) {
		partitions.forEach((partition) -> expect(partition, -1));
	}

	@Override
	protected void assigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		checkAssigned(consumer, partitions);
	}

	private void checkAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		if (partitions.isEmpty()) {
			return;
		}
		partitions.forEach((partition) -> expect(partition, -1));
		try {
			Set<TopicPartition> assigned = new HashSet<>(partitions);
			Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned, this.timeout);
			Map<TopicPartition, Long> logStarts = consumer.beginningOffsets(assigned, this.timeout);
			for (TopicPartition partition : assigned) {
				OffsetAndMetadata commit = committed.get(partition);
				Long logStart = logStarts.get(partition);
				if (commit == null || logStart == null) {
					// no position yet: the reset policy chooses it, and nothing was read
					continue;
				}
				if (commit.offset() < logStart) {
					this.lostOffsets.report(this.group, partition.topic(), partition.partition(), commit.offset(),
							logStart, "committed offset " + commit.offset() + " below the log start offset " + logStart
									+ " when the partition was assigned");
				}
				expect(partition, Math.max(commit.offset(), logStart));
			}
		}
		catch (KafkaException ex) {
			logger.warn("Could not compare the committed offsets of consumer group '" + this.group
					+ "' with the log start offsets of " + partitions + " on assignment: " + ex);
		}
	}

}
