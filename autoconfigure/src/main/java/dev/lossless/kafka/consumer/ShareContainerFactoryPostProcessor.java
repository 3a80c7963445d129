package dev.lossless.kafka.consumer;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.DirectFieldAccessor;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.kafka.config.ShareKafkaListenerContainerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ShareConsumerRecordRecoverer;

/**
 * Gives every {@link ShareKafkaListenerContainerFactory} bean the starter's
 * dead-lettering recoverer, unless the application set a recoverer of its own, and the
 * acknowledgement counter, unless it set a commit callback of its own: Spring Boot
 * auto-configures no share container factory, so there is no customizer to hook.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class ShareContainerFactoryPostProcessor implements BeanPostProcessor {

	// the factory has no getter: its field tells whether the application set a recoverer
	private static final String RECOVERER_FIELD = "recordRecoverer";

	private final Supplier<@Nullable ShareConsumerRecordRecoverer> recoverer;

	private final Supplier<ShareAcknowledgements> acknowledgements;

	/**
	 * Create an instance.
	 * @param recoverer the starter's share recoverer, resolved on first use; {@code null}
	 * when the application recovers classic records its own way
	 * @param acknowledgements the acknowledgement counter, resolved on first use
	 */
	public ShareContainerFactoryPostProcessor(Supplier<@Nullable ShareConsumerRecordRecoverer> recoverer,
			Supplier<ShareAcknowledgements> acknowledgements) {
		this.recoverer = recoverer;
		this.acknowledgements = acknowledgements;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof ShareKafkaListenerContainerFactory<?, ?> factory) {
			ShareConsumerRecordRecoverer starters = this.recoverer.get();
			if (starters != null && new DirectFieldAccessor(factory).getPropertyValue(RECOVERER_FIELD) == null) {
				factory.setShareConsumerRecordRecoverer(starters);
			}
			ContainerProperties properties = factory.getContainerProperties();
			if (properties.getAcknowledgementCommitCallback() == null) {
				properties.setAcknowledgementCommitCallback(this.acknowledgements.get());
			}
		}
		return bean;
	}

}
