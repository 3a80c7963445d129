/**
 * Existing applications of the shapes users have, written as their authors would, that
 * must keep working unchanged when the starter is added.
 */
package dev.lossless.kafka.adoption;
