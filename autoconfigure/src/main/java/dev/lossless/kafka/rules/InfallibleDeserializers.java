package dev.lossless.kafka.rules;

import java.util.Set;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;
import org.apache.kafka.common.serialization.BytesDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;

/**
 * The deserializers that cannot fail on a record: Kafka's byte-array, {@code ByteBuffer}
 * and {@code Bytes} deserializers hand the bytes over as they are, and its
 * {@link StringDeserializer} decodes any bytes (malformed input becomes replacement
 * characters; only an unknown encoding fails, when the consumer is created). Wrapping
 * them in an {@link ErrorHandlingDeserializer} protects nothing and costs every record a
 * walk over its headers in the wrapper, and one more in the container for a {@code null}
 * key or value; the consumer factory customizer leaves them as they are and the
 * deserializer rules accept them. Only these exact classes qualify: a subclass may fail.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class InfallibleDeserializers {

	private static final Set<String> NAMES = Set.of(ByteArrayDeserializer.class.getName(),
			ByteBufferDeserializer.class.getName(), BytesDeserializer.class.getName(),
			StringDeserializer.class.getName());

	private InfallibleDeserializers() {
	}

	/**
	 * Return whether a deserializer cannot fail on a record.
	 * @param deserializer a deserializer's class, class name or instance, or {@code null}
	 * @return whether it is one of the deserializers that cannot fail
	 */
	public static boolean cannotFail(@Nullable Object deserializer) {
		String name = DeadLetterSerializerNames.className(deserializer);
		return name != null && NAMES.contains(name);
	}

}
