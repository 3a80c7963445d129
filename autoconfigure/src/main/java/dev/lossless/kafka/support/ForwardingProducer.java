package dev.lossless.kafka.support;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.jspecify.annotations.Nullable;

/**
 * A producer that hands every call to another one: a subclass overrides what it changes.
 * A plain delegate, not a reflective proxy, because every send passes through it.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public abstract class ForwardingProducer<K, V> implements Producer<K, V> {

	/**
	 * The producer every call goes to.
	 */
	protected final Producer<K, V> delegate;

	/**
	 * Create an instance.
	 * @param delegate the producer every call goes to
	 */
	protected ForwardingProducer(Producer<K, V> delegate) {
		this.delegate = delegate;
	}

	@Override
	public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
			ConsumerGroupMetadata groupMetadata) {
		this.delegate.sendOffsetsToTransaction(offsets, groupMetadata);
	}

	@Override
	public Future<RecordMetadata> send(ProducerRecord<K, V> record) {
		return this.delegate.send(record);
	}

	@Override
	public Future<RecordMetadata> send(ProducerRecord<K, V> record, @Nullable Callback callback) {
		return this.delegate.send(record, callback);
	}

	@Override
	public void initTransactions() {
		this.delegate.initTransactions();
	}

	@Override
	public void beginTransaction() {
		this.delegate.beginTransaction();
	}

	@Override
	public void commitTransaction() {
		this.delegate.commitTransaction();
	}

	@Override
	public void abortTransaction() {
		this.delegate.abortTransaction();
	}

	@Override
	public void registerMetricForSubscription(KafkaMetric metric) {
		this.delegate.registerMetricForSubscription(metric);
	}

	@Override
	public void unregisterMetricFromSubscription(KafkaMetric metric) {
		this.delegate.unregisterMetricFromSubscription(metric);
	}

	@Override
	public void flush() {
		this.delegate.flush();
	}

	@Override
	public List<PartitionInfo> partitionsFor(String topic) {
		return this.delegate.partitionsFor(topic);
	}

	@Override
	public Map<MetricName, ? extends Metric> metrics() {
		return this.delegate.metrics();
	}

	@Override
	public Uuid clientInstanceId(Duration timeout) {
		return this.delegate.clientInstanceId(timeout);
	}

	@Override
	public void close() {
		this.delegate.close();
	}

	@Override
	public void close(Duration timeout) {
		this.delegate.close(timeout);
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[" + this.delegate + "]";
	}

}
