package dev.lossless.kafka.autoconfigure;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.SharedKafkaCluster;
import dev.lossless.kafka.sequence.SequenceChecker;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.support.ProducerListener;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application with its own {@link ProducerListener} and rebalance listener, against a
 * real broker: both are called, and the starter's send observation (the producer health
 * counts) and sequence checking keep working.
 */
class ComposedCollaboratorsIntegrationTests {

	private static final int RECORDS = 20;

	private static EmbeddedKafkaCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = SharedKafkaCluster.get();
	}

	@Test
	void applicationListenersAddBehaviourAndTheStartersObservationStays() {
		String topic = KafkaTestSupport.unique("orders");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		try (ConfigurableApplicationContext context = KafkaTestSupport.run(ApplicationWithOwnListeners.class,
				"spring.kafka.bootstrap-servers=" + cluster.bootstrapServers(),
				"spring.kafka.consumer.group-id=" + KafkaTestSupport.unique("group"),
				"lossless.kafka.accepted-risks=topic.replication-factor,topic.min-insync-replicas",
				"test.topic=" + topic)) {
			ApplicationWithOwnListeners application = context.getBean(ApplicationWithOwnListeners.class);
			await().atMost(WAIT).until(() -> !application.assigned.isEmpty());
			@SuppressWarnings("unchecked")
			KafkaTemplate<String, String> template = context.getBean(KafkaTemplate.class);
			CompletableFuture
				.allOf(IntStream.range(0, RECORDS)
					.mapToObj((order) -> template.send(topic, String.valueOf(order)))
					.toArray(CompletableFuture[]::new))
				.join();
			await().atMost(WAIT).until(() -> application.received.size() == RECORDS);

			assertThat(application.acknowledged).hasValue(RECORDS);
			assertThat(application.assigned).contains(new TopicPartition(topic, 0));
			Health producer = health(context, "producer");
			assertThat(producer.getStatus()).isEqualTo(Status.UP);
			assertThat(producer.getDetails()).containsEntry("acknowledged", (long) RECORDS);
			SequenceChecker.SequenceStatistics sequences = context.getBean(SequenceChecker.class).statistics();
			assertThat(sequences.checked()).isEqualTo(RECORDS);
			assertThat(sequences.gaps()).isZero();
		}
	}

	private static Health health(ConfigurableApplicationContext context, String name) {
		CompositeHealthContributor reliability = context.getBean("kafkaReliabilityHealthContributor",
				CompositeHealthContributor.class);
		assertThat(reliability.getContributor(name)).as("health contributor '%s'", name)
			.isInstanceOf(HealthIndicator.class);
		return ((HealthIndicator) reliability.getContributor(name)).health();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ApplicationWithOwnListeners {

		final AtomicInteger acknowledged = new AtomicInteger();

		final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();

		final Set<String> received = ConcurrentHashMap.newKeySet();

		@Bean
		ProducerListener<Object, Object> countingProducerListener() {
			return new ProducerListener<>() {

				@Override
				public void onSuccess(ProducerRecord<Object, Object> record, RecordMetadata metadata) {
					ApplicationWithOwnListeners.this.acknowledged.incrementAndGet();
				}

			};
		}

		@Bean
		ConsumerAwareRebalanceListener assignmentRecorder() {
			return new ConsumerAwareRebalanceListener() {

				@Override
				public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
					ApplicationWithOwnListeners.this.assigned.addAll(partitions);
				}

			};
		}

		@KafkaListener(id = "orders", topics = "${test.topic}")
		void listen(String order) {
			this.received.add(order);
		}

	}

}
