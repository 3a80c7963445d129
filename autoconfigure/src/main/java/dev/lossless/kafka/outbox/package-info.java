/**
 * The transactional outbox: {@link dev.lossless.kafka.outbox.OutboxPublisher} writes a
 * record to an outbox table in the application's database transaction, and
 * {@link dev.lossless.kafka.outbox.OutboxRelay} publishes the committed rows to Kafka, in
 * order per key, and marks them sent after the broker's acknowledgement. Optional: only
 * with JDBC on the class path.
 */
@NullMarked
package dev.lossless.kafka.outbox;

import org.jspecify.annotations.NullMarked;
