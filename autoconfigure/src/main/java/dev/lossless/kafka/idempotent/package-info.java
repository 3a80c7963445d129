/**
 * Idempotent consumers: a store of the message ids a listener has processed and a helper
 * that runs a listener's side effect only for a message id it has not seen, in the same
 * database transaction as the id's record.
 */
@NullMarked
package dev.lossless.kafka.idempotent;

import org.jspecify.annotations.NullMarked;
