package dev.lossless.kafka.sequence;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.SharedKafkaCluster;
import dev.lossless.kafka.sequence.SequenceChecker.SequenceStatistics;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.BeforeAll;
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
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.SendResult;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sequence stamps and gap detection against a real broker: the starter's own traffic
 * shows no gap through retries, rebalances, restarts, several producers and aborted
 * transactions, and a real hole shows as exactly that gap in the health.
 */
class SequenceIntegrationTests {

	private static EmbeddedKafkaCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = SharedKafkaCluster.get();
	}

	@Test
	void starterTrafficThroughRetriesRebalancesRestartsAndTwoProducersShowsNoGap() {
		String topic = KafkaTestSupport.unique("orders");
		String group = KafkaTestSupport.unique("group");
		cluster.createTopic(topic, 3, (short) 1, Map.of());
		Set<String> processed = OrderListener.processed(topic);
		List<SequenceStatistics> statistics = new ArrayList<>();
		ConfigurableApplicationContext second;
		try (ConfigurableApplicationContext first = run(topic, group)) {
			send(first, topic, 0, 200);
			await().atMost(WAIT).until(() -> processed.size() >= 100);
			second = run(topic, group);
			CompletableFuture<Void> fromFirst = CompletableFuture.runAsync(() -> send(first, topic, 200, 400));
			send(second, topic, 1000, 1300);
			fromFirst.join();
			await().atMost(WAIT).until(() -> processed.size() >= 500);
			statistics.add(checker(first).statistics());
		}
		try (ConfigurableApplicationContext restarted = run(topic, group); second) {
			send(restarted, topic, 400, 600);
			List<String> expected = new ArrayList<>();
			IntStream.range(0, 600).forEach((order) -> expected.add(String.valueOf(order)));
			IntStream.range(1000, 1300).forEach((order) -> expected.add(String.valueOf(order)));
			await().atMost(WAIT).untilAsserted(() -> assertThat(processed).containsAll(expected));
			statistics.add(checker(second).statistics());
			statistics.add(checker(restarted).statistics());
			assertThat(sequenceHealth(restarted).getStatus()).isEqualTo(Status.UP);
		}
		assertThat(statistics).allSatisfy((checked) -> {
			assertThat(checked.gaps()).isZero();
			assertThat(checked.duplicates()).isZero();
			assertThat(checked.unresolvedRecords()).isZero();
		});
		assertThat(statistics.stream().mapToLong(SequenceStatistics::checked).sum()).isGreaterThanOrEqualTo(900);
		assertThat(statistics.stream().mapToLong(SequenceStatistics::redelivered).sum())
			.as("records read again after a failed attempt")
			.isPositive();
	}

	@Test
	void recordsNeverWrittenAreExactlyOneGapUntilTheyArriveLate() {
		String topic = KafkaTestSupport.unique("orders");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		try (ConfigurableApplicationContext context = run(topic, KafkaTestSupport.unique("group"));
				KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			for (long sequence : new long[] { 0, 1, 2, 5, 6 }) {
				producer.send(stamped(topic, 77, sequence));
			}
			producer.flush();
			SequenceChecker checker = checker(context);
			await().atMost(WAIT).until(() -> checker.statistics().checked() == 5);
			SequenceStatistics statistics = checker.statistics();
			assertThat(statistics.gaps()).isOne();
			assertThat(statistics.missingRecords()).isEqualTo(2);
			assertThat(statistics.unresolved()).singleElement().satisfies((range) -> {
				assertThat(range.topic()).isEqualTo(topic);
				assertThat(range.partition()).isZero();
				assertThat(range.producer()).isEqualTo(String.format("%016x", 77));
				assertThat(range.firstMissing()).isEqualTo(3);
				assertThat(range.lastMissing()).isEqualTo(4);
			});
			Health health = sequenceHealth(context);
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails().get("reason").toString()).contains("2 record(s) missing");

			producer.send(stamped(topic, 77, 3));
			producer.send(stamped(topic, 77, 4));
			producer.flush();
			await().atMost(WAIT).until(() -> checker.statistics().checked() == 7);
			// a record counts as checked before its verdict: wait for the last one's
			await().atMost(WAIT).untilAsserted(() -> assertThat(checker.statistics().lateRecords()).isEqualTo(2));
			assertThat(checker.statistics().unresolvedRecords()).isZero();
			assertThat(sequenceHealth(context).getStatus()).isEqualTo(Status.UP);
		}
	}

	@Test
	void abortedTransactionsLeaveNoGap() {
		String topic = KafkaTestSupport.unique("orders");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		try (ConfigurableApplicationContext context = run(topic, KafkaTestSupport.unique("group"),
				"spring.kafka.producer.transaction-id-prefix=" + KafkaTestSupport.unique("tx"),
				"spring.kafka.producer.properties.transaction.state.log.replication.factor=1")) {
			Set<String> processed = OrderListener.processed(topic);
			KafkaTemplate<String, String> template = template(context);
			inTransaction(template, topic, List.of("1", "2", "3"), true);
			inTransaction(template, topic, List.of("aborted-1", "aborted-2"), false);
			inTransaction(template, topic, List.of("4", "5"), true);
			inTransaction(template, topic, List.of("aborted-3"), false);
			inTransaction(template, topic, List.of("6"), true);
			await().atMost(WAIT).until(() -> processed.size() >= 6);
			SequenceChecker checker = checker(context);
			await().atMost(WAIT).until(() -> checker.statistics().checked() >= 6);
			assertThat(processed).containsExactlyInAnyOrder("1", "2", "3", "4", "5", "6");
			assertThat(checker.statistics().gaps()).isZero();
			assertThat(checker.statistics().duplicates()).isZero();
		}
	}

	@Test
	void keyedRecordsGoToThePartitionTheKafkaClientChooses() throws Exception {
		String topic = KafkaTestSupport.unique("orders");
		cluster.createTopic(topic, 7, (short) 1, Map.of());
		try (ConfigurableApplicationContext context = run(topic, KafkaTestSupport.unique("group"));
				KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			KafkaTemplate<String, String> template = template(context);
			for (int i = 0; i < 100; i++) {
				String key = "customer-" + i;
				SendResult<String, String> viaStarter = template.send(topic, key, "order").get();
				RecordMetadata viaClient = producer
					.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), new byte[0]))
					.get();
				assertThat(viaStarter.getRecordMetadata().partition()).as(key).isEqualTo(viaClient.partition());
			}
		}
	}

	@Test
	void deadLetterCarriesAStampOfItsOwn() {
		String topic = KafkaTestSupport.unique("orders");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		try (ConfigurableApplicationContext context = run(topic, KafkaTestSupport.unique("group"))) {
			template(context).send(topic, "poison").join();
			List<ConsumerRecord<byte[], byte[]>> deadLetters = KafkaTestSupport.readAll(cluster.bootstrapServers(),
					topic + "-dlt", 1);
			List<ConsumerRecord<byte[], byte[]>> originals = KafkaTestSupport.readAll(cluster.bootstrapServers(), topic,
					1);
			SequenceStamp original = SequenceStamp.from(originals.get(0).headers());
			SequenceStamp deadLetter = SequenceStamp.from(deadLetters.get(0).headers());
			assertThat(original).isNotNull();
			assertThat(deadLetter).isNotNull();
			assertThat(deadLetter.producerId()).isNotEqualTo(original.producerId());
			assertThat(deadLetter.sequence()).isZero();
			assertThat(deadLetters.get(0).headers().headers(SequenceStamp.HEADER)).hasSize(1);
		}
	}

	private static ProducerRecord<byte[], byte[]> stamped(String topic, long producer, long sequence) {
		RecordHeaders headers = new RecordHeaders();
		headers.add(SequenceStamp.HEADER, new SequenceStamp(producer, sequence).toBytes());
		return new ProducerRecord<>(topic, 0, null, null, ("order-" + sequence).getBytes(StandardCharsets.UTF_8),
				headers);
	}

	private static void inTransaction(KafkaTemplate<String, String> template, String topic, List<String> orders,
			boolean commit) {
		try {
			template.executeInTransaction((operations) -> {
				orders.forEach((order) -> operations.send(topic, order));
				operations.flush();
				if (!commit) {
					throw new IllegalStateException("rolled back");
				}
				return null;
			});
		}
		catch (IllegalStateException ex) {
			assertThat(commit).isFalse();
		}
	}

	private static void send(ConfigurableApplicationContext context, String topic, int from, int to) {
		KafkaTemplate<String, String> template = template(context);
		List<CompletableFuture<?>> results = new ArrayList<>();
		for (int order = from; order < to; order++) {
			String key = (order % 2 == 0) ? "customer-" + (order % 13) : null;
			results.add(template.send(topic, key, String.valueOf(order)));
		}
		CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).join();
	}

	@SuppressWarnings("unchecked")
	private static KafkaTemplate<String, String> template(ConfigurableApplicationContext context) {
		return context.getBean(KafkaTemplate.class);
	}

	private static SequenceChecker checker(ConfigurableApplicationContext context) {
		return context.getBean(SequenceChecker.class);
	}

	static Health sequenceHealth(ConfigurableApplicationContext context) {
		CompositeHealthContributor reliability = context.getBean("kafkaReliabilityHealthContributor",
				CompositeHealthContributor.class);
		return ((HealthIndicator) reliability.getContributor("sequence")).health();
	}

	private static ConfigurableApplicationContext run(String topic, String group, String... extraProperties) {
		List<String> properties = new ArrayList<>(
				List.of("spring.kafka.bootstrap-servers=" + cluster.bootstrapServers(),
						"spring.kafka.consumer.group-id=" + group, "lossless.kafka.consumer.retry.attempts=3",
						"lossless.kafka.consumer.retry.initial-interval=50ms",
						"lossless.kafka.consumer.retry.max-interval=100ms",
						// a retry seeks back, and the next fetch waits behind the one in
						// flight: on an idle partition for fetch.max.wait.ms (500 ms)
						"spring.kafka.consumer.fetch-max-wait=100ms",
						"lossless.kafka.accepted-risks=topic.replication-factor,topic.min-insync-replicas",
						"test.topic=" + topic));
		properties.addAll(List.of(extraProperties));
		return KafkaTestSupport.run(OrdersApplication.class, properties.toArray(String[]::new));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(OrderListener.class)
	static class OrdersApplication {

	}

	static class OrderListener {

		static final Map<String, Set<String>> processed = new ConcurrentHashMap<>();

		static Set<String> processed(String topic) {
			return processed.computeIfAbsent(topic, (key) -> ConcurrentHashMap.newKeySet());
		}

		private final Set<String> failedOnce = ConcurrentHashMap.newKeySet();

		@KafkaListener(id = "orders", idIsGroup = false, topics = "${test.topic}")
		void listen(String order, @Header(KafkaHeaders.RECEIVED_TOPIC) String topic) {
			if ("poison".equals(order)) {
				throw new IllegalStateException("poison");
			}
			if (order.endsWith("7") && this.failedOnce.add(order)) {
				throw new IllegalStateException("first attempt of " + order + " fails");
			}
			processed(topic).add(order);
		}

	}

}
