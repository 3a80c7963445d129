/**
 * Actuator support: the {@code kafkaReliability} health and the {@code kafkareliability}
 * endpoint.
 */
@NullMarked
package dev.lossless.kafka.actuate;

import org.jspecify.annotations.NullMarked;
