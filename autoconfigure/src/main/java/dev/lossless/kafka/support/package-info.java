/**
 * What every part of the starter shares, as spring-kafka's {@code support} package does:
 * the names of the headers the starter writes.
 */
@NullMarked
package dev.lossless.kafka.support;

import org.jspecify.annotations.NullMarked;
