package dev.lossless.kafka.consumer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.lossless.kafka.rules.DeadLetterSerializerNames;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;

/**
 * Writes the key or the value of a dead letter whatever the application's producer
 * serializers are. A {@code byte[]} (the original bytes of a key or value that could not
 * be deserialized) is written as it is; any other object is written by the serializer
 * that matches the consumer's deserializer, which turns the consumed object back into the
 * bytes it was read from: a deserializer named {@code com.example.FooDeserializer} (the
 * delegate of an {@link ErrorHandlingDeserializer}) is matched by a
 * {@code com.example.FooSerializer} that implements {@link Serializer} (Kafka's
 * {@code StringDeserializer}, {@code IntegerDeserializer}, ..., spring-kafka's JSON
 * deserializers, Confluent's Avro deserializer). When there is no such class, or when it
 * does not fit the object, the application's producer serializer is tried; an object that
 * none of them can write fails with a {@link SerializationException} naming them, and the
 * record is retried and its partition shown stalled in the health.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class DeadLetterSerializer implements Serializer<Object> {

	private final Serializer<byte[]> bytes = new ByteArraySerializer();

	private final List<Serializer<Object>> delegates;

	/**
	 * Create an instance.
	 * @param delegates the serializers to try in order on an object that is not a
	 * {@code byte[]}
	 */
	public DeadLetterSerializer(List<Serializer<Object>> delegates) {
		this.delegates = List.copyOf(delegates);
	}

	/**
	 * Return the serializer that writes back what a deserializer reads, configured with
	 * the given settings.
	 * @param deserializer the consumer's deserializer: a class, a class name, or an
	 * instance; {@code null} when unknown
	 * @param delegate the deserializer an {@link ErrorHandlingDeserializer} delegates to,
	 * or {@code null}
	 * @param configs the settings to configure the serializer with
	 * @param isKey whether it writes keys
	 * @return the serializer, or {@code null} when there is no matching class
	 */
	@SuppressWarnings("unchecked")
	public static @Nullable Serializer<Object> matching(@Nullable Object deserializer, @Nullable Object delegate,
			Map<String, ?> configs, boolean isKey) {
		Class<?> type = DeadLetterSerializerNames.serializerFor(deserializer, delegate);
		if (type == null) {
			return null;
		}
		Serializer<Object> serializer = (Serializer<Object>) BeanUtils.instantiateClass(type);
		serializer.configure(configs, isKey);
		return serializer;
	}

	@Override
	public byte[] serialize(String topic, Object data) {
		return serialize(topic, null, data);
	}

	@Override
	public byte[] serialize(String topic, @Nullable Headers headers, Object data) {
		if (data == null || data instanceof byte[]) {
			return this.bytes.serialize(topic, (byte[]) data);
		}
		List<String> failures = new ArrayList<>();
		for (Serializer<Object> delegate : this.delegates) {
			try {
				return (headers != null) ? delegate.serialize(topic, headers, data) : delegate.serialize(topic, data);
			}
			catch (ClassCastException | SerializationException ex) {
				failures.add(delegate.getClass().getName() + ": " + ex.getMessage());
			}
		}
		throw new SerializationException("A dead letter of type " + data.getClass().getName()
				+ " cannot be written by the serializer matching the consumer's deserializer nor by the"
				+ " application's producer serializer " + failures);
	}

	@Override
	public void close() {
		this.delegates.forEach(Serializer::close);
	}

}
