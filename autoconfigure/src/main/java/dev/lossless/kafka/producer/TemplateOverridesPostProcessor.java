package dev.lossless.kafka.producer;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Binds the starter's producer wrapper of a {@code KafkaTemplate} bean built with
 * configuration overrides to the template's own producer factory: spring-kafka copies the
 * wrapper by reference from the original factory, which would choose partitions, stamp
 * and journal with the original factory's serializers and partitioner.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 * @see LosslessProducerPostProcessor#bindCopiesTo(DefaultKafkaProducerFactory)
 */
public final class TemplateOverridesPostProcessor implements BeanPostProcessor {

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof KafkaTemplate<?, ?> template
				&& template.getProducerFactory() instanceof DefaultKafkaProducerFactory<?, ?> factory) {
			LosslessProducerPostProcessor.bindCopiesTo(factory);
		}
		return bean;
	}

}
