package dev.lossless.kafka.actuate;

import java.util.List;

import dev.lossless.kafka.deadletter.DeadLetterTopicReport;
import dev.lossless.kafka.deadletter.DeadLetters;
import dev.lossless.kafka.deadletter.RedriveFilter;
import dev.lossless.kafka.deadletter.RedriveResult;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@link Endpoint @Endpoint} of the application's dead-letter topics: what each holds
 * ({@code GET /actuator/deadletters}, {@code GET /actuator/deadletters/<topic>}), and a
 * redrive of one to the topics its records failed on
 * ({@code POST /actuator/deadletters/<topic>} with an optional filter:
 * {@code exceptionClass}, {@code key}, or {@code fromOffset} and {@code toOffset}). The
 * redrive is a write operation, closed by default
 * ({@code management.endpoint.deadletters.access=unrestricted} opens it).
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
@Endpoint(id = "deadletters", defaultAccess = Access.READ_ONLY)
public class DeadLettersEndpoint {

	private final DeadLetters deadLetters;

	/**
	 * Create an instance.
	 * @param deadLetters the application's dead-letter topics
	 */
	public DeadLettersEndpoint(DeadLetters deadLetters) {
		this.deadLetters = deadLetters;
	}

	@ReadOperation
	public DeadLettersDescriptor deadLetters() {
		return new DeadLettersDescriptor(this.deadLetters.inspect());
	}

	@ReadOperation
	public DeadLetterTopicReport deadLetterTopic(@Selector String topic) {
		try {
			return this.deadLetters.inspect(topic);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), ex.getMessage());
		}
	}

	/**
	 * Redrive the dead letters of one topic that match the filter (every one without a
	 * filter).
	 * @param topic the dead-letter topic
	 * @param exceptionClass only dead letters of this exception class (simple or fully
	 * qualified name)
	 * @param key only dead letters with this key (UTF-8)
	 * @param fromOffset only dead letters at this offset or later (with {@code toOffset})
	 * @param toOffset only dead letters at this offset or earlier (with
	 * {@code fromOffset})
	 * @return the outcome
	 */
	@WriteOperation
	public RedriveResult redrive(@Selector String topic, @Nullable String exceptionClass, @Nullable String key,
			@Nullable Long fromOffset, @Nullable Long toOffset) {
		try {
			return this.deadLetters.redrive(topic, filter(exceptionClass, key, fromOffset, toOffset));
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), ex.getMessage());
		}
	}

	private static RedriveFilter filter(@Nullable String exceptionClass, @Nullable String key,
			@Nullable Long fromOffset, @Nullable Long toOffset) {
		int given = ((exceptionClass != null) ? 1 : 0) + ((key != null) ? 1 : 0)
				+ ((fromOffset != null || toOffset != null) ? 1 : 0);
		if (given > 1) {
			throw new IllegalArgumentException("Give one filter: exceptionClass, key, or fromOffset and toOffset");
		}
		if (exceptionClass != null) {
			return RedriveFilter.exceptionClass(exceptionClass);
		}
		if (key != null) {
			return RedriveFilter.key(key);
		}
		if (fromOffset != null || toOffset != null) {
			if (fromOffset == null || toOffset == null) {
				throw new IllegalArgumentException("An offset range needs both fromOffset and toOffset");
			}
			return RedriveFilter.offsets(fromOffset, toOffset);
		}
		return RedriveFilter.all();
	}

	/**
	 * The endpoint's answer.
	 *
	 * @param topics one report per dead-letter topic
	 */
	public record DeadLettersDescriptor(List<DeadLetterTopicReport> topics) implements OperationResponseBody {

	}

}
