package dev.lossless.kafka.sample;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.TopicBuilder;

/**
 * An order-processing application: {@code POST /orders} stores an order and its message
 * in one database transaction (the starter's outbox), the outbox relay publishes it to
 * the {@code orders} topic, {@link OrderProcessor} processes it once, and an order that
 * cannot be processed lands in {@code orders-dlt}. Without
 * {@code spring.kafka.bootstrap-servers}, {@link EmbeddedKafkaClusterInitializer} starts
 * a three-broker cluster in the JVM.
 *
 * @author Lossless Kafka team
 */
@SpringBootApplication(proxyBeanMethods = false)
public final class SampleApplication {

	/**
	 * The topic of the orders. Its dead-letter topic, {@code orders-dlt}, is created by
	 * the starter.
	 */
	public static final String ORDERS_TOPIC = "orders";

	@Bean
	NewTopic ordersTopic() {
		return TopicBuilder.name(ORDERS_TOPIC)
			.partitions(3)
			.replicas(3)
			.config(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2")
			.config(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "false")
			.build();
	}

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
