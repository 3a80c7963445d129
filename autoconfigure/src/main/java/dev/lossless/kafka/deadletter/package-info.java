/**
 * Dead letters after the dead-letter topic: inspect what the dead-letter topics hold and
 * redrive dead letters to their original topics.
 */
@NullMarked
package dev.lossless.kafka.deadletter;

import org.jspecify.annotations.NullMarked;
