/**
 * Topic inspection with a bounded Admin client, and dead-letter topic provisioning.
 */
@NullMarked
package dev.lossless.kafka.topics;

import org.jspecify.annotations.NullMarked;
