/**
 * The catalogue of durability rules, their evaluation against the running application,
 * and startup enforcement.
 */
@NullMarked
package dev.lossless.kafka.rules;

import org.jspecify.annotations.NullMarked;
