package dev.lossless.kafka.share;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.SharedKafkaCluster;
import dev.lossless.kafka.actuate.ShareConsumersHealthIndicator;
import dev.lossless.kafka.consumer.DeadLetteringShareRecoverer;
import dev.lossless.kafka.rules.RuleResult;
import dev.lossless.kafka.rules.UnsafeKafkaSettingsException;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ShareKafkaListenerContainerFactory;
import org.springframework.kafka.core.ShareConsumerFactory;
import org.springframework.kafka.listener.ShareConsumerRecordRecoverer;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Share groups (KIP-932) on a real broker with share groups enabled (the in-JVM cluster
 * finalizes {@code share.version=1}): a poison pill among 1,000 records is released until
 * one delivery before the brokers' limit, then dead-lettered and acknowledged; every good
 * record is processed; a record failing once is processed on its redelivery; every record
 * the listener saw failing is processed or dead-lettered, and every record is
 * acknowledged. The negative control: spring-kafka's rejecting recoverer, which the
 * application set itself, lets the broker archive the poison pill with no dead letter. A
 * share group left with the broker's defaults (latest, read_uncommitted) is refused.
 */
class ShareGroupIntegrationTests {

	private static EmbeddedKafkaCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = SharedKafkaCluster.get();
	}

	@Test
	void poisonPillAmongAThousandRecordsEndsInTheDeadLetterTopicBeforeTheDeliveryLimit() throws Exception {
		String topic = KafkaTestSupport.unique("share-orders");
		String group = KafkaTestSupport.unique("share-group");
		cluster.createTopic(topic, 2, (short) 1, Map.of());
		ShareGroupsTestSupport.configureGroup(cluster, group, "earliest", "read_committed");
		List<String> good = new ArrayList<>();
		try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			// sent before the group's first consumer joins:
			// share.auto.offset.reset=earliest
			for (int i = 0; i < 1000; i++) {
				String value = (i == 500) ? "poison-500" : ((i == 250) ? "flaky-250" : "order-" + i);
				if (i != 500) {
					good.add(value);
				}
				producer.send(new ProducerRecord<>(topic, i % 2, ("key-" + i).getBytes(StandardCharsets.UTF_8),
						value.getBytes(StandardCharsets.UTF_8)));
			}
			producer.flush();
		}
		try (ConfigurableApplicationContext context = run(topic, group, false)) {
			await().atMost(WAIT).until(() -> ShareListener.processed(topic).containsAll(good));
			List<ConsumerRecord<byte[], byte[]>> deadLetters = KafkaTestSupport.readAll(cluster.bootstrapServers(),
					topic + "-dlt", 1);
			assertThat(deadLetters).extracting((record) -> new String(record.value(), StandardCharsets.UTF_8))
				.containsExactly("poison-500");
			await().atMost(WAIT).until(() -> ShareGroupsTestSupport.everyRecordAcknowledged(cluster, topic, group));

			DeadLetteringShareRecoverer recoverer = context.getBean(DeadLetteringShareRecoverer.class);
			assertThat(ShareListener.failures(topic)).as("delivery counts of each failure")
				.containsOnly(Map.entry("poison-500", List.of(1, 2, 3, 4)), Map.entry("flaky-250", List.of(1)));
			// no record the listener saw failing is archived without a dead letter
			Set<String> dealtWith = new HashSet<>(ShareListener.processed(topic));
			deadLetters.forEach((record) -> dealtWith.add(new String(record.value(), StandardCharsets.UTF_8)));
			assertThat(dealtWith).containsAll(ShareListener.failures(topic).keySet());
			assertThat(recoverer.released()).as("poison 1-3, flaky 1").isEqualTo(4);
			assertThat(recoverer.deadLettered()).isOne();
			assertThat(recoverer.archived()).isZero();
			assertThat(context.getBean(ShareConsumersHealthIndicator.class).health(true).getStatus())
				.isEqualTo(Status.UP);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			await("1,000 records acknowledged, 4 releases").atMost(WAIT)
				.until(() -> meters.get("lossless.kafka.share.acknowledgements")
					.tag("result", "committed")
					.functionCounter()
					.count() >= 1004.0);
			assertThat(meters.get("lossless.kafka.share.failed-records")
				.tag("outcome", "dead-lettered")
				.functionCounter()
				.count()).isEqualTo(1.0);
		}
	}

	@Test
	void rejectingRecovererLetsTheBrokerArchiveThePoisonPillWithoutADeadLetter() throws Exception {
		String topic = KafkaTestSupport.unique("share-rejected");
		String group = KafkaTestSupport.unique("share-group");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		ShareGroupsTestSupport.configureGroup(cluster, group, "earliest", "read_committed");
		try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			for (String value : List.of("order-0", "poison-1", "order-2")) {
				producer.send(new ProducerRecord<>(topic, value.getBytes(StandardCharsets.UTF_8))).get();
			}
		}
		try (ConfigurableApplicationContext context = run(topic, group, true)) {
			await().atMost(WAIT).until(() -> ShareListener.processed(topic).containsAll(List.of("order-0", "order-2")));
			await().atMost(WAIT).until(() -> ShareGroupsTestSupport.everyRecordAcknowledged(cluster, topic, group));
			assertThat(ShareListener.failures(topic)).containsOnly(Map.entry("poison-1", List.of(1)));
			try (Admin admin = cluster.createAdmin()) {
				TopicPartition deadLetterPartition = new TopicPartition(topic + "-dlt", 0);
				assertThat(admin.listOffsets(Map.of(deadLetterPartition, OffsetSpec.latest()))
					.partitionResult(deadLetterPartition)
					.get()
					.offset()).as("the poison pill is archived (lost) with no dead letter").isZero();
			}
		}
	}

	@Test
	void shareGroupWithTheBrokerDefaultsIsRefused() {
		String topic = KafkaTestSupport.unique("share-defaults");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		String group = KafkaTestSupport.unique("share-group");
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> run(topic, group, false).close())
			.havingRootCause()
			.isInstanceOfSatisfying(UnsafeKafkaSettingsException.class,
					(ex) -> assertThat(ex.getViolations()).extracting(RuleResult::id, RuleResult::actual)
						.containsExactly(tuple("share.auto-offset-reset", "latest"),
								tuple("share.isolation-level", "read_uncommitted")));
	}

	private static ConfigurableApplicationContext run(String topic, String group, boolean rejecting) {
		return KafkaTestSupport.run(ShareApplication.class,
				"spring.kafka.bootstrap-servers=" + cluster.bootstrapServers(),
				"lossless.kafka.accepted-risks=topic.replication-factor,topic.min-insync-replicas",
				"test.topic=" + topic, "test.group=" + group, "test.rejecting=" + rejecting);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ShareApplication {

		@Bean
		ShareConsumerFactory<String, String> shareConsumerFactory(
				@Value("${spring.kafka.bootstrap-servers}") String bootstrapServers) {
			return ShareGroupsTestSupport.stringConsumerFactory(bootstrapServers);
		}

		@Bean
		ShareKafkaListenerContainerFactory<String, String> shares(ShareConsumerFactory<String, String> factory,
				@Value("${test.rejecting}") boolean rejecting) {
			ShareKafkaListenerContainerFactory<String, String> containerFactory = new ShareKafkaListenerContainerFactory<>(
					factory);
			if (rejecting) {
				containerFactory.setShareConsumerRecordRecoverer(ShareConsumerRecordRecoverer.REJECTING);
			}
			return containerFactory;
		}

		@Bean
		ShareListener shareListener() {
			return new ShareListener();
		}

	}

	static class ShareListener {

		private static final Map<String, Set<String>> processed = new ConcurrentHashMap<>();

		private static final Map<String, Map<String, Queue<Integer>>> failures = new ConcurrentHashMap<>();

		static Set<String> processed(String topic) {
			return processed.computeIfAbsent(topic, (key) -> ConcurrentHashMap.newKeySet());
		}

		static Map<String, List<Integer>> failures(String topic) {
			Map<String, List<Integer>> copy = new HashMap<>();
			failures.getOrDefault(topic, Map.of())
				.forEach((value, deliveries) -> copy.put(value, List.copyOf(deliveries)));
			return copy;
		}

		@KafkaListener(id = "${test.group}", topics = "${test.topic}", groupId = "${test.group}",
				containerFactory = "shares")
		void listen(ConsumerRecord<String, String> record) {
			int delivery = record.deliveryCount().map(Short::intValue).orElse(0);
			String value = record.value();
			if (value.startsWith("poison") || (value.startsWith("flaky") && delivery == 1)) {
				failures.computeIfAbsent(record.topic(), (key) -> new ConcurrentHashMap<>())
					.computeIfAbsent(value, (key) -> new ConcurrentLinkedQueue<>())
					.add(delivery);
				throw new IllegalStateException(value + " cannot be processed");
			}
			processed(record.topic()).add(value);
		}

	}

}
