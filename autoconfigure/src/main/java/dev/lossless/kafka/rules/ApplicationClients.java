package dev.lossless.kafka.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.core.ShareConsumerFactory;

/**
 * The settings of every producer and consumer factory bean of the application, and of the
 * producer factory of each {@code KafkaTemplate} bean built with configuration overrides.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class ApplicationClients implements Supplier<List<ClientSettings>> {

	private final ListableBeanFactory beanFactory;

	/**
	 * Create an instance.
	 * @param beanFactory the factory holding the application's beans
	 */
	public ApplicationClients(ListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public List<ClientSettings> get() {
		List<ClientSettings> clients = new ArrayList<>();
		Map<String, ProducerFactory> factories = this.beanFactory.getBeansOfType(ProducerFactory.class, false, false);
		factories.forEach((name, factory) -> clients.add(ClientSettings.of(name, factory)));
		// a template with configuration overrides has a factory of its own, not a bean:
		// it is judged under the template's bean name
		this.beanFactory.getBeansOfType(KafkaTemplate.class, false, false).forEach((name, template) -> {
			ProducerFactory<?, ?> factory = template.getProducerFactory();
			if (!factories.containsValue(factory)) {
				clients.add(ClientSettings.of(name, factory));
			}
		});
		this.beanFactory.getBeansOfType(ConsumerFactory.class, false, false)
			.forEach((name, factory) -> clients.add(ClientSettings.of(name, factory)));
		this.beanFactory.getBeansOfType(ShareConsumerFactory.class, false, false)
			.forEach((name, factory) -> clients.add(ClientSettings.of(name, factory)));
		return clients;
	}

}
