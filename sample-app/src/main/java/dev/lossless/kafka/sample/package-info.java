/**
 * A sample order-processing application on the Lossless Kafka starter.
 */
@NullMarked
package dev.lossless.kafka.sample;

import org.jspecify.annotations.NullMarked;
