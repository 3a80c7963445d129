package dev.lossless.kafka.consumer;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link DeadLetterTemplates}: the starter's recoverer names a dead-letter
 * topic for every record and fails the recovery when the dead letter is not published, so
 * that the error handler keeps the record instead of committing past it.
 */
class DeadLetterTemplatesTests {

	@Test
	void deadLetterThatCannotBePublishedFailsTheRecoveryNamingItsTopic() {
		// nothing listens on port 1: the publish fails once max.block.ms is over
		Map<String, Object> configs = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1",
				ProducerConfig.MAX_BLOCK_MS_CONFIG, 500, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
				StringSerializer.class, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
		DeadLetterTemplates templates = new DeadLetterTemplates(new DefaultKafkaProducerFactory<>(configs), null,
				(factory) -> {
				});
		try {
			DeadLetterPublishingRecoverer recoverer = templates.recoverer("-dlt");
			ConsumerRecord<String, String> record = new ConsumerRecord<>("orders", 2, 7, "key", "value");
			assertThatExceptionOfType(KafkaException.class)
				.isThrownBy(() -> recoverer.accept(record, new IllegalStateException("poison")))
				.withMessageContaining("orders-dlt");
		}
		finally {
			templates.destroy();
		}
	}

}
