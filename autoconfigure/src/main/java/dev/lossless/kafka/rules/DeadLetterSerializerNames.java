package dev.lossless.kafka.rules;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.util.ClassUtils;

/**
 * Finds the serializer that writes back what a deserializer reads: a deserializer named
 * {@code com.example.FooDeserializer} (the delegate of an
 * {@link ErrorHandlingDeserializer}) is matched by a {@code com.example.FooSerializer}
 * that implements {@link Serializer}. The dead-letter writer and the
 * {@code consumer.dead-letter-serializer} rule share this mapping.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class DeadLetterSerializerNames {

	private static final String DESERIALIZER = "Deserializer";

	private DeadLetterSerializerNames() {
	}

	/**
	 * Return the serializer class matching a deserializer.
	 * @param deserializer the consumer's deserializer: a class, a class name, or an
	 * instance; {@code null} when unknown
	 * @param delegate the deserializer an {@link ErrorHandlingDeserializer} delegates to,
	 * or {@code null}
	 * @return the serializer class, or {@code null} when there is none on the class path
	 */
	public static @Nullable Class<?> serializerFor(@Nullable Object deserializer, @Nullable Object delegate) {
		String name = deserializerName(deserializer, delegate);
		if (name == null || !name.endsWith(DESERIALIZER)) {
			return null;
		}
		String serializerName = name.substring(0, name.length() - DESERIALIZER.length()) + "Serializer";
		ClassLoader classLoader = DeadLetterSerializerNames.class.getClassLoader();
		if (!ClassUtils.isPresent(serializerName, classLoader)) {
			return null;
		}
		Class<?> type = ClassUtils.resolveClassName(serializerName, classLoader);
		return Serializer.class.isAssignableFrom(type) ? type : null;
	}

	/**
	 * Return the name of the deserializer that reads the bytes: the delegate of an
	 * {@link ErrorHandlingDeserializer}, else the deserializer itself.
	 * @param deserializer the consumer's deserializer, or {@code null}
	 * @param delegate the delegate of an {@link ErrorHandlingDeserializer}, or
	 * {@code null}
	 * @return the class name, or {@code null} when unknown
	 */
	public static @Nullable String deserializerName(@Nullable Object deserializer, @Nullable Object delegate) {
		String name = className(deserializer);
		return ErrorHandlingDeserializer.class.getName().equals(name) ? className(delegate) : name;
	}

	// a deserializer given as a class, a class name or an instance
	static @Nullable String className(@Nullable Object deserializer) {
		if (deserializer == null) {
			return null;
		}
		if (deserializer instanceof Class<?> type) {
			return type.getName();
		}
		return (deserializer instanceof Deserializer<?>) ? deserializer.getClass().getName()
				: deserializer.toString().trim();
	}

}
