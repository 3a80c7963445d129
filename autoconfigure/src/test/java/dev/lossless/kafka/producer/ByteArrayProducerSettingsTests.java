package dev.lossless.kafka.producer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.DefaultKafkaProducerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The settings of the starter's own byte-array producers (journal replayer, outbox relay,
 * dead-letter redrive) derived from the application's.
 */
class ByteArrayProducerSettingsTests {

	@Test
	void leaveOutTheConfigCaptureButKeepTheApplicationsMetricsReporters() {
		// nothing takes what the capture would keep for these producers: it would stay on
		// the creating thread, secrets included
		Map<String, Object> configs = new HashMap<>();
		configs.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
		configs.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
		configs.put(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, List.of("com.example.AuditInterceptor"));
		DefaultKafkaProducerFactory<Object, Object> factory = new DefaultKafkaProducerFactory<>(configs);
		new LosslessProducerFactoryCustomizer(true, null, () -> {
		}).customize(factory);
		Map<String, Object> settings = ByteArrayProducerSettings.from(factory, "lossless-test");
		assertThat(settings.get(ProducerConfig.METRIC_REPORTER_CLASSES_CONFIG))
			.isEqualTo(List.of(JmxReporter.class.getName()));
		assertThat(settings).doesNotContainKeys(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG,
				ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
		assertThat(settings.get(ProducerConfig.CLIENT_ID_CONFIG)).isEqualTo("lossless-test");
	}

	@Test
	void keepMetricsReportersTheApplicationNamedInOneString() {
		Map<String, Object> configs = new HashMap<>();
		configs.put(ProducerConfig.METRIC_REPORTER_CLASSES_CONFIG, "com.example.AuditReporter");
		Map<String, Object> settings = ByteArrayProducerSettings.from(new DefaultKafkaProducerFactory<>(configs),
				"lossless-test");
		assertThat(settings.get(ProducerConfig.METRIC_REPORTER_CLASSES_CONFIG)).isEqualTo("com.example.AuditReporter");
	}

}
