/**
 * Test support for applications that use the Lossless Kafka starter:
 * {@link dev.lossless.kafka.test.LosslessEmbeddedKafka} runs a {@code @SpringBootTest}
 * against a real three-broker in-JVM KRaft cluster.
 */
@NullMarked
package dev.lossless.kafka.test;

import org.jspecify.annotations.NullMarked;
