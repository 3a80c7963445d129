package dev.lossless.kafka.producer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.serialization.StringSerializer;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.DefaultKafkaProducerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The metrics reporter that captures a producer's configuration is added to the
 * application's own reporters, once, and costs nothing per record: the starter adds no
 * producer interceptor.
 */
class LosslessProducerFactoryCustomizerTests {

	@Test
	void configCaptureIsAppendedToTheApplicationsMetricsReportersOnce() {
		Map<String, Object> configs = configs();
		configs.put(ProducerConfig.METRIC_REPORTER_CLASSES_CONFIG, "com.example.AuditReporter, com.example.Other");
		DefaultKafkaProducerFactory<Object, Object> factory = customizedTwice(configs);
		assertThat(factory.getConfigurationProperties().get(ProducerConfig.METRIC_REPORTER_CLASSES_CONFIG))
			.asInstanceOf(InstanceOfAssertFactories.LIST)
			.containsExactly("com.example.AuditReporter", "com.example.Other", ProducerConfigCapture.class);
	}

	@Test
	void configCaptureKeepsKafkasDefaultJmxReporter() {
		DefaultKafkaProducerFactory<Object, Object> factory = customizedTwice(configs());
		assertThat(factory.getConfigurationProperties().get(ProducerConfig.METRIC_REPORTER_CLASSES_CONFIG))
			.asInstanceOf(InstanceOfAssertFactories.LIST)
			.containsExactly(JmxReporter.class.getName(), ProducerConfigCapture.class);
	}

	@Test
	void noInterceptorRunsOnEachRecord() {
		Map<String, Object> configs = configs();
		configs.put(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, List.of("com.example.AuditInterceptor"));
		DefaultKafkaProducerFactory<Object, Object> factory = customizedTwice(configs);
		assertThat(factory.getConfigurationProperties().get(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG))
			.isEqualTo(List.of("com.example.AuditInterceptor"));
		assertThat(customizedTwice(configs()).getConfigurationProperties())
			.doesNotContainKey(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG);
	}

	private static Map<String, Object> configs() {
		Map<String, Object> configs = new HashMap<>();
		configs.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
		configs.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
		return configs;
	}

	private static DefaultKafkaProducerFactory<Object, Object> customizedTwice(Map<String, Object> configs) {
		DefaultKafkaProducerFactory<Object, Object> factory = new DefaultKafkaProducerFactory<>(configs);
		LosslessProducerFactoryCustomizer customizer = new LosslessProducerFactoryCustomizer(true, null, () -> {
		});
		customizer.customize(factory);
		customizer.customize(factory);
		return factory;
	}

}
