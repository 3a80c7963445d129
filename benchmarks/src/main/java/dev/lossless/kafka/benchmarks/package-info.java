/**
 * Benchmarks of the starter against the raw Kafka client and Kafka's own
 * {@code ProducerPerformance} on a real three-broker cluster (issue #6). Run with
 * {@code ./mvnw -B -pl benchmarks -am verify -Pbench}; see
 * {@link dev.lossless.kafka.benchmarks.LosslessKafkaBenchmarks}.
 */
@NullMarked
package dev.lossless.kafka.benchmarks;

import org.jspecify.annotations.NullMarked;
