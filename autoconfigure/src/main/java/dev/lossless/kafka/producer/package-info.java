/**
 * Producer hardening and observation of every send result.
 */
@NullMarked
package dev.lossless.kafka.producer;

import org.jspecify.annotations.NullMarked;
