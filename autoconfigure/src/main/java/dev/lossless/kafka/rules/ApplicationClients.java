package dev.lossless.kafka.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.core.ShareConsumerFactory;

/**
 * The settings of every producer and consumer factory bean of the application.
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
		this.beanFactory.getBeansOfType(ProducerFactory.class, false, false)
			.forEach((name, factory) -> clients.add(ClientSettings.of(name, factory)));
		this.beanFactory.getBeansOfType(ConsumerFactory.class, false, false)
			.forEach((name, factory) -> clients.add(ClientSettings.of(name, factory)));
		this.beanFactory.getBeansOfType(ShareConsumerFactory.class, false, false)
			.forEach((name, factory) -> clients.add(ClientSettings.of(name, factory)));
		return clients;
	}

}
