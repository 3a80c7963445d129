/**
 * Auto-configuration and configuration properties of the Lossless Kafka starter: wiring
 * only.
 */
@NullMarked
package dev.lossless.kafka.autoconfigure;

import org.jspecify.annotations.NullMarked;
