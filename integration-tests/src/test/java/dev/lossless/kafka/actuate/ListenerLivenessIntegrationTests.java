package dev.lossless.kafka.actuate;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.SharedKafkaCluster;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A listener container that dies takes the liveness group down when the application adds
 * {@code kafkaListeners} to it; one stopped on purpose does not.
 */
class ListenerLivenessIntegrationTests {

	private static EmbeddedKafkaCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = SharedKafkaCluster.get();
	}

	@Test
	void containerStoppedByAnErrorTakesLivenessDownAndOneStoppedOnPurposeDoesNot() {
		String topic = KafkaTestSupport.unique("orders");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		try (ConfigurableApplicationContext context = KafkaTestSupport.run(OrdersApplication.class,
				"spring.kafka.bootstrap-servers=" + cluster.bootstrapServers(),
				"spring.kafka.consumer.group-id=" + KafkaTestSupport.unique("group"),
				"lossless.kafka.accepted-risks=topic.replication-factor,topic.min-insync-replicas",
				"management.endpoint.health.probes.enabled=true",
				"management.endpoint.health.group.liveness.include=livenessState,kafkaListeners",
				"test.topic=" + topic);
				KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			HealthEndpoint health = context.getBean(HealthEndpoint.class);
			KafkaListenerEndpointRegistry registry = context.getBean(KafkaListenerEndpointRegistry.class);
			await().atMost(WAIT).until(() -> registry.getListenerContainer("orders").isRunning());
			assertThat(liveness(health)).isEqualTo(Status.UP);

			registry.getListenerContainer("orders").stop();
			await().atMost(WAIT).until(() -> !registry.getListenerContainer("orders").isRunning());
			assertThat(liveness(health)).as("stopped on purpose").isEqualTo(Status.UP);
			registry.getListenerContainer("orders").start();

			producer.send(new ProducerRecord<>(topic, "fatal".getBytes(StandardCharsets.UTF_8)));
			producer.flush();
			await().atMost(WAIT).until(() -> !registry.getListenerContainer("orders").isInExpectedState());
			assertThat(liveness(health)).isEqualTo(Status.DOWN);
		}
	}

	private static Status liveness(HealthEndpoint health) {
		HealthDescriptor descriptor = health.healthForPath("liveness");
		return descriptor.getStatus();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(OrderListener.class)
	static class OrdersApplication {

	}

	static class OrderListener {

		@KafkaListener(id = "orders", topics = "${test.topic}")
		void listen(String order) {
			if (order.equals("fatal")) {
				throw new AssertionError("the listener's thread dies on " + order);
			}
		}

	}

}
