package dev.lossless.kafka.producer;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.DefaultKafkaProducerFactory;

import org.assertj.core.api.InstanceOfAssertFactories;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The interceptor that captures a producer's configuration is added to the application's
 * own interceptors, once.
 */
class LosslessProducerFactoryCustomizerTests {

	@Test
	void configCaptureIsAppendedToTheApplicationsInterceptorsOnce() {
		Map<String, Object> configs = new HashMap<>();
		configs.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
		configs.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
		configs.put(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, "com.example.AuditInterceptor, com.example.Other");
		DefaultKafkaProducerFactory<Object, Object> factory = new DefaultKafkaProducerFactory<>(configs);
		LosslessProducerFactoryCustomizer customizer = new LosslessProducerFactoryCustomizer(true, null, () -> {
		});
		customizer.customize(factory);
		customizer.customize(factory);
		assertThat(factory.getConfigurationProperties().get(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG))
			.asInstanceOf(InstanceOfAssertFactories.LIST)
			.containsExactly("com.example.AuditInterceptor", "com.example.Other", ProducerConfigCapture.class);
	}

}
