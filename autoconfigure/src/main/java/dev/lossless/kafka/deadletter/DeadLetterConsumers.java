package dev.lossless.kafka.deadletter;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;

/**
 * Creates the byte array consumers that read dead-letter topics: the application's
 * consumer settings (brokers, security), {@code read_committed}, no auto-commit, no
 * interceptors or deserializers of the application, and request and API timeouts bounded
 * by the inspection timeout.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class DeadLetterConsumers {

	private final Map<String, Object> base;

	private final Duration timeout;

	/**
	 * Create an instance.
	 * @param consumerConfig the application's consumer settings
	 * @param timeout the bound on each broker call
	 */
	public DeadLetterConsumers(Map<String, Object> consumerConfig, Duration timeout) {
		Map<String, Object> configs = new HashMap<>(consumerConfig);
		configs.remove(ConsumerConfig.GROUP_ID_CONFIG);
		configs.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
		configs.remove(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG);
		configs.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
		configs.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
		configs.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		configs.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		configs.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		configs.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
		int timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
		configs.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
		configs.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
		this.base = configs;
		this.timeout = timeout;
	}

	/**
	 * Return the bound on each broker call.
	 * @return the timeout
	 */
	public Duration timeout() {
		return this.timeout;
	}

	/**
	 * Create a consumer.
	 * @param clientId what the client id ends with
	 * @param groupId the group whose offsets it commits, or {@code null} for none
	 * @param maxPollRecords most records one poll returns
	 * @return the consumer
	 */
	Consumer<byte[], byte[]> create(String clientId, @Nullable String groupId, int maxPollRecords) {
		Map<String, Object> configs = new HashMap<>(this.base);
		Object prefix = configs.get(ConsumerConfig.CLIENT_ID_CONFIG);
		configs.put(ConsumerConfig.CLIENT_ID_CONFIG, ((prefix != null) ? prefix + "-" : "") + clientId);
		if (groupId != null) {
			configs.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
		}
		configs.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1, maxPollRecords));
		return new KafkaConsumer<>(configs, new ByteArrayDeserializer(), new ByteArrayDeserializer());
	}

}
