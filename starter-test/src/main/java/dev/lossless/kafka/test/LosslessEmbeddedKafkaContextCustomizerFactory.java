package dev.lossless.kafka.test;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Finds {@link LosslessEmbeddedKafka} on a test class (or an enclosing class) and
 * contributes a {@link LosslessEmbeddedKafkaContextCustomizer} for it.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class LosslessEmbeddedKafkaContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		LosslessEmbeddedKafka annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass,
				LosslessEmbeddedKafka.class);
		return (annotation != null) ? new LosslessEmbeddedKafkaContextCustomizer(annotation) : null;
	}

}
