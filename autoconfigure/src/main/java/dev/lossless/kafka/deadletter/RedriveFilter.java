package dev.lossless.kafka.deadletter;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Which dead letters a redrive republishes. The records a filter skips are not committed
 * past: they stay in the dead-letter topic, redrivable by a later redrive.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class RedriveFilter {

	private final String description;

	private final Predicate<ConsumerRecord<byte[], byte[]>> predicate;

	private RedriveFilter(String description, Predicate<ConsumerRecord<byte[], byte[]>> predicate) {
		this.description = description;
		this.predicate = predicate;
	}

	/**
	 * Return a filter that matches every dead letter.
	 * @return the filter
	 */
	public static RedriveFilter all() {
		return new RedriveFilter("all", (record) -> true);
	}

	/**
	 * Return a filter that matches the dead letters whose offset in their dead-letter
	 * partition lies in the given range, both ends included.
	 * @param from the first offset
	 * @param to the last offset
	 * @return the filter
	 */
	public static RedriveFilter offsets(long from, long to) {
		Assert.isTrue(from >= 0 && from <= to, () -> "Offset range " + from + ".." + to + " is empty or negative");
		return new RedriveFilter("offsets " + from + ".." + to,
				(record) -> record.offset() >= from && record.offset() <= to);
	}

	/**
	 * Return a filter that matches the dead letters whose exception (or its cause) has
	 * the given class name, fully qualified or simple.
	 * @param exceptionClass the exception's class name
	 * @return the filter
	 */
	public static RedriveFilter exceptionClass(String exceptionClass) {
		Assert.hasText(exceptionClass, "'exceptionClass' must not be empty");
		return new RedriveFilter("exception " + exceptionClass, (record) -> {
			String cause = DeadLetterHeaders.text(record, DeadLetterHeaders.EXCEPTION_CAUSE_FQCN);
			String exception = DeadLetterHeaders.text(record, DeadLetterHeaders.EXCEPTION_FQCN);
			return sameClass(cause, exceptionClass) || sameClass(exception, exceptionClass);
		});
	}

	/**
	 * Return a filter that matches the dead letters with the given key, as UTF-8 bytes.
	 * @param key the key
	 * @return the filter
	 */
	public static RedriveFilter key(String key) {
		Assert.notNull(key, "'key' must not be null");
		byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
		return new RedriveFilter("key " + key, (record) -> Arrays.equals(record.key(), bytes));
	}

	/**
	 * Return whether the filter matches the given dead letter.
	 * @param record the dead letter
	 * @return whether it is to be redriven
	 */
	public boolean matches(ConsumerRecord<byte[], byte[]> record) {
		return this.predicate.test(record);
	}

	private static boolean sameClass(@Nullable String actual, String expected) {
		return actual != null && (actual.equals(expected) || actual.endsWith("." + expected));
	}

	@Override
	public String toString() {
		return this.description;
	}

}
