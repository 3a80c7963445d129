package dev.lossless.kafka.producer;

import java.time.Duration;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Tests for {@link ReplayErrors}.
 *
 * @author Lossless Kafka team
 */
class ReplayErrorsTests {

	@Test
	void rejectionWrappedInAnotherErrorIsFoundAndNamed() {
		RecordTooLargeException tooLarge = new RecordTooLargeException("too large");
		KafkaException wrapped = new KafkaException("send failed", new KafkaException("inner", tooLarge));

		assertThat(ReplayErrors.rejection(wrapped)).isSameAs(tooLarge);
		assertThat(ReplayErrors.rejection(tooLarge)).isSameAs(tooLarge);
	}

	@Test
	void retriableErrorIsNoRejection() {
		TimeoutException timeout = new TimeoutException("no acknowledgement");

		assertThat(ReplayErrors.rejection(new KafkaException(timeout))).isNull();
		assertThat(ReplayErrors.isRetriable(timeout)).isTrue();
		assertThat(ReplayErrors.isRetriable(new KafkaException(timeout))).isFalse();
	}

	@Test
	void causeCycleEndsTheLookForARejection() {
		KafkaException second = new KafkaException("second");
		KafkaException first = new KafkaException("first", second);
		second.initCause(first);

		// Spring's ExceptionTypeFilter.match(error, true) would walk this cycle forever
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThat(ReplayErrors.rejection(first)).isNull());
	}

}
