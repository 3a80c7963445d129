package dev.lossless.kafka.consumer;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link DeadLetterSerializer}.
 */
class DeadLetterSerializerTests {

	@Test
	void matchingSerializerIsTheSiblingOfTheDeserializerOrOfTheErrorHandlingDeserializersDelegate() {
		assertThat(DeadLetterSerializer.matching(IntegerDeserializer.class, null, Map.of(), false))
			.isInstanceOf(IntegerSerializer.class);
		assertThat(DeadLetterSerializer.matching(ErrorHandlingDeserializer.class.getName(),
				StringDeserializer.class.getName(), Map.of(), false))
			.isInstanceOf(StringSerializer.class);
		assertThat(DeadLetterSerializer.matching(new IntegerDeserializer(), null, Map.of(), true))
			.isInstanceOf(IntegerSerializer.class);
	}

	@Test
	void customDeserializerWithoutASiblingHasNoMatchingSerializer() {
		assertThat(DeadLetterSerializer.matching(CustomDecoder.class, null, Map.of(), false)).isNull();
		assertThat(DeadLetterSerializer.matching(null, null, Map.of(), false)).isNull();
	}

	@Test
	void bytesAreWrittenAsTheyAreAndObjectsByTheFirstSerializerThatFits() {
		DeadLetterSerializer serializer = new DeadLetterSerializer(
				List.of(cast(new StringSerializer()), cast(new IntegerSerializer())));
		assertThat(serializer.serialize("t", new byte[] { 1, 2 })).containsExactly(1, 2);
		assertThat(serializer.serialize("t", "a")).containsExactly('a');
		assertThat(serializer.serialize("t", 7)).isEqualTo(new IntegerSerializer().serialize("t", 7));
		assertThat(serializer.serialize("t", null)).isNull();
	}

	@Test
	void objectThatNoSerializerFitsFailsWithAnExceptionNamingThem() {
		DeadLetterSerializer serializer = new DeadLetterSerializer(List.of(cast(new StringSerializer())));
		assertThatExceptionOfType(SerializationException.class).isThrownBy(() -> serializer.serialize("t", 7L))
			.withMessageContaining("java.lang.Long")
			.withMessageContaining(StringSerializer.class.getName());
	}

	@SuppressWarnings("unchecked")
	private static Serializer<Object> cast(Serializer<?> serializer) {
		return (Serializer<Object>) serializer;
	}

	static class CustomDecoder implements Deserializer<Object> {

		@Override
		public Object deserialize(String topic, byte[] data) {
			return data;
		}

	}

}
