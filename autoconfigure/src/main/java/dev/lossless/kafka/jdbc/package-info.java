/**
 * What the JDBC stores of the business layer (the outbox, the idempotent consumer's
 * processed message ids) share: checked table names and the creation of their tables.
 */
@NullMarked
package dev.lossless.kafka.jdbc;

import org.jspecify.annotations.NullMarked;
