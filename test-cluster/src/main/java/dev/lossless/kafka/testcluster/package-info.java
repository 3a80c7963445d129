/**
 * Real multi-broker Kafka clusters for tests:
 * {@link dev.lossless.kafka.testcluster.EmbeddedKafkaCluster} runs KRaft brokers inside
 * the test JVM and {@link dev.lossless.kafka.testcluster.KafkaProcessCluster} runs each
 * broker as a separate JVM process for fault injection.
 */
@NullMarked
package dev.lossless.kafka.testcluster;

import org.jspecify.annotations.NullMarked;
