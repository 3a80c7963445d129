package dev.lossless.kafka.benchmarks;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the bytes as they are, like its parent, but is not one of the deserializers the
 * starter knows cannot fail, so the starter wraps it in an
 * {@code ErrorHandlingDeserializer}: the consumer case that prices that wrapper, which
 * every deserializer that can fail (JSON, Avro) pays.
 *
 * @author Lossless Kafka team
 */
public class WrappedBytesDeserializer extends ByteArrayDeserializer {

}
