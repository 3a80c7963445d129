/**
 * Consumer and listener container hardening, error handling and dead-letter publishing.
 */
@NullMarked
package dev.lossless.kafka.consumer;

import org.jspecify.annotations.NullMarked;
