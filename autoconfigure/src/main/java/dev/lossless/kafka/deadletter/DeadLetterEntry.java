package dev.lossless.kafka.deadletter;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One dead letter as the inspection shows it.
 *
 * @param partition its partition in the dead-letter topic
 * @param offset its offset there
 * @param originalTopic the topic it failed on ({@code kafka_dlt-original-topic})
 * @param originalPartition the partition it failed on
 * @param originalOffset the offset it failed at
 * @param key the key, as UTF-8 when it is valid UTF-8, else {@code base64:...}
 * @param exceptionClass the class of the exception that dead-lettered it (its cause's,
 * when spring-kafka recorded one)
 * @param exceptionMessage the exception's message
 * @param deadLetteredAt when it was dead-lettered (the dead letter's timestamp)
 * @param attempts the delivery attempts recorded in its {@code kafka_deliveryAttempt}
 * header, {@code null} when it has none (the container's delivery attempt header is off
 * by default)
 * @param redrives how many times it was redriven before
 * @param value the value like the key, {@code null} unless
 * {@code lossless.kafka.dlt.show-values} is set
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public record DeadLetterEntry(int partition, long offset, @Nullable String originalTopic,
		@Nullable Integer originalPartition, @Nullable Long originalOffset, @Nullable String key,
		@Nullable String exceptionClass, @Nullable String exceptionMessage, Instant deadLetteredAt,
		@Nullable Integer attempts, int redrives, @Nullable String value) {

}
