package dev.lossless.kafka.deadletter;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of one redrive.
 *
 * @param topic the dead-letter topic
 * @param filter the filter applied
 * @param republished the dead letters republished to their original topic and
 * acknowledged
 * @param skipped the dead letters the filter left, or that name no original topic: not
 * committed past, still redrivable
 * @param parked the dead letters redriven {@code max-redrives} times already: left in the
 * dead-letter topic and committed past
 * @param alreadyRedriven the dead letters an earlier redrive republished
 * @param committed the redrive group's committed offset per partition after the redrive
 * @param error why the redrive stopped before the end, or {@code null} when it reached it
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public record RedriveResult(String topic, String filter, long republished, long skipped, long parked,
		long alreadyRedriven, Map<Integer, Long> committed, @Nullable String error) {

}
