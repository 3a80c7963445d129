package dev.lossless.kafka.actuate;

import java.time.Duration;
import java.util.Map;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code topics} health when the brokers go away: {@code DOWN} with the reason,
 * within its bounded timeout, and {@code UP} again once they are back.
 */
class BrokersUnreachableIntegrationTests {

	private EmbeddedKafkaCluster cluster;

	private ConfigurableApplicationContext application;

	@BeforeEach
	void start() {
		this.cluster = EmbeddedKafkaCluster.builder().brokers(1).start();
		String topic = KafkaTestSupport.unique("orders");
		this.cluster.createTopic(topic, 1, (short) 1, Map.of());
		this.application = KafkaTestSupport.run(OrdersApplication.class,
				"spring.kafka.bootstrap-servers=" + this.cluster.bootstrapServers(),
				"spring.kafka.consumer.group-id=" + KafkaTestSupport.unique("group"),
				"lossless.kafka.topics.timeout=2s",
				"lossless.kafka.accepted-risks=topic.replication-factor,topic.min-insync-replicas",
				"test.topic=" + topic);
	}

	@AfterEach
	void stop() {
		this.application.close();
		this.cluster.close();
	}

	@Test
	void topicsHealthIsDownWithinItsTimeoutWhileTheBrokersAreGone() {
		assertThat(topicsHealth().getStatus()).isEqualTo(Status.UP);
		this.cluster.stopBroker(0);
		long start = System.nanoTime();
		Health down = topicsHealth();
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(down.getStatus()).isEqualTo(Status.DOWN);
		assertThat(down.getDetails().get("reason").toString()).contains("did not answer within 2000 ms");
		assertThat(took).isLessThan(Duration.ofSeconds(10));
		this.cluster.startBroker(0);
		await().atMost(WAIT).until(() -> topicsHealth().getStatus().equals(Status.UP));
	}

	private Health topicsHealth() {
		CompositeHealthContributor reliability = this.application.getBean("kafkaReliabilityHealthContributor",
				CompositeHealthContributor.class);
		return ((HealthIndicator) reliability.getContributor("topics")).health();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(OrderListener.class)
	static class OrdersApplication {

	}

	static class OrderListener {

		@KafkaListener(id = "orders", topics = "${test.topic}")
		void listen(String order) {
		}

	}

}
