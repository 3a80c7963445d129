/**
 * Per-partition sequence numbers: stamped on every record the application sends, checked
 * on every record its listeners receive, so that a record that was never written or never
 * read shows as a gap.
 */
@NullMarked
package dev.lossless.kafka.sequence;

import org.jspecify.annotations.NullMarked;
