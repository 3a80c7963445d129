package dev.lossless.kafka.deadletter;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What one dead-letter topic holds.
 *
 * @param topic the dead-letter topic
 * @param exists whether the topic exists
 * @param offsets the offsets it holds (log end minus log start, summed over its
 * partitions): an upper bound of its records, since transaction markers take offsets too
 * @param records the records read (committed records only)
 * @param complete whether every record was read ({@code false} when
 * {@code lossless.kafka.dlt.scan-limit} or the timeout stopped the read, so that the
 * counts below cover the first {@code records} only)
 * @param byException the records read per exception class
 * @param parked the records read that were redriven {@code max-redrives} times and are no
 * longer redriven
 * @param oldest when the oldest record read was dead-lettered
 * @param newest when the newest record read was dead-lettered
 * @param entries the first {@code lossless.kafka.dlt.page-size} records
 * @param error why the topic could not be read, if it could not
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public record DeadLetterTopicReport(String topic, boolean exists, long offsets, long records, boolean complete,
		Map<String, Long> byException, long parked, @Nullable Instant oldest, @Nullable Instant newest,
		List<DeadLetterEntry> entries, @Nullable String error) {

	static DeadLetterTopicReport failed(String topic, String error) {
		return new DeadLetterTopicReport(topic, false, 0, 0, false, Map.of(), 0, null, null, List.of(), error);
	}

}
