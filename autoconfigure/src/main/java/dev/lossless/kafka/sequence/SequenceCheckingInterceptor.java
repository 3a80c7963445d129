package dev.lossless.kafka.sequence;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;

import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.RecordInterceptor;

/**
 * Checks the sequence stamp of every record a listener container hands to its listener,
 * record by record or batch by batch; the records themselves pass unchanged.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class SequenceCheckingInterceptor<K, V> implements RecordInterceptor<K, V>, BatchInterceptor<K, V> {

	private final SequenceChecker checker;

	private final String group;

	/**
	 * Create an instance for the listener containers of one consumer group.
	 * @param checker the checker
	 * @param group the group
	 */
	public SequenceCheckingInterceptor(SequenceChecker checker, String group) {
		this.checker = checker;
		this.group = group;
	}

	@Override
	public ConsumerRecord<K, V> intercept(ConsumerRecord<K, V> record, Consumer<K, V> consumer) {
		this.checker.check(this.group, record);
		return record;
	}

	@Override
	public ConsumerRecords<K, V> intercept(ConsumerRecords<K, V> records, Consumer<K, V> consumer) {
		for (ConsumerRecord<K, V> record : records) {
			this.checker.check(this.group, record);
		}
		return records;
	}

}
