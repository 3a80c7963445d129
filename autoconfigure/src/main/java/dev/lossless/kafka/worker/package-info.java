/**
 * One engine for every background loop of the starter (the journal replayer, the lag
 * monitor, the cleaners), each reporting its liveness.
 */
@NullMarked
package dev.lossless.kafka.worker;

import org.jspecify.annotations.NullMarked;
