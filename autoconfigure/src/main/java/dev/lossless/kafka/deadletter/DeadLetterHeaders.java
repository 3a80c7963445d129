package dev.lossless.kafka.deadletter;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.support.KafkaHeaders;

/**
 * The headers a dead letter carries (spring-kafka's {@code kafka_dlt-*}) and the
 * provenance headers a redrive adds.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class DeadLetterHeaders {

	/**
	 * The header of a redriven record that names the dead letter it was republished from:
	 * {@code <dead-letter topic>-<partition>@<offset>} (UTF-8).
	 */
	public static final String REDRIVEN_FROM = "lossless-redriven-from";

	/**
	 * The header of a redriven record that counts how many times it was redriven
	 * (decimal, UTF-8). A record dead-lettered again keeps it.
	 */
	public static final String REDRIVE_COUNT = "lossless-redrive-count";

	static final String EXCEPTION_FQCN = KafkaHeaders.DLT_EXCEPTION_FQCN;

	static final String EXCEPTION_CAUSE_FQCN = KafkaHeaders.DLT_EXCEPTION_CAUSE_FQCN;

	static final String KEY_EXCEPTION_FQCN = KafkaHeaders.DLT_KEY_EXCEPTION_FQCN;

	static final String SPRING_DLT_PREFIX = "kafka_dlt-";

	private static final String DELIVERY_ATTEMPT = KafkaHeaders.DELIVERY_ATTEMPT;

	private DeadLetterHeaders() {
	}

	/**
	 * Return how many times the given record was redriven.
	 * @param record the record
	 * @return the redrive count, 0 when it was never redriven
	 */
	public static int redriveCount(ConsumerRecord<?, ?> record) {
		String count = text(record, REDRIVE_COUNT);
		return (count != null) ? Integer.parseInt(count.trim()) : 0;
	}

	static @Nullable String text(ConsumerRecord<?, ?> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null && header.value() != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

	static @Nullable Integer intValue(ConsumerRecord<?, ?> record, String name) {
		Header header = record.headers().lastHeader(name);
		if (header == null || header.value() == null || header.value().length != 4) {
			return null;
		}
		return ByteBuffer.wrap(header.value()).getInt();
	}

	static @Nullable Long longValue(ConsumerRecord<?, ?> record, String name) {
		Header header = record.headers().lastHeader(name);
		if (header == null || header.value() == null || header.value().length != 8) {
			return null;
		}
		return ByteBuffer.wrap(header.value()).getLong();
	}

	/**
	 * Return the class of the exception that dead-lettered the record: the cause's when
	 * spring-kafka recorded one (the listener's own exception inside the container's
	 * wrapper).
	 * @param record the dead letter
	 * @return the class name, or {@code null} when the record has no such header
	 */
	static @Nullable String exceptionClass(ConsumerRecord<?, ?> record) {
		String cause = text(record, EXCEPTION_CAUSE_FQCN);
		if (cause != null) {
			return cause;
		}
		String exception = text(record, EXCEPTION_FQCN);
		return (exception != null) ? exception : text(record, KEY_EXCEPTION_FQCN);
	}

	static @Nullable Integer deliveryAttempts(ConsumerRecord<?, ?> record) {
		return intValue(record, DELIVERY_ATTEMPT);
	}

}
