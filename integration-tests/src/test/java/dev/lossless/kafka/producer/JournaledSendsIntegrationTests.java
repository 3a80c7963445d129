package dev.lossless.kafka.producer;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.sequence.SequenceStamp;
import dev.lossless.kafka.testcluster.KafkaProcessCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.KafkaProducerException;
import org.springframework.kafka.core.KafkaTemplate;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sends that fail for good against a real broker process: with the broker killed they are
 * saved in the send journal, and after a restart of the application and of the cluster
 * every one of them reaches the topic exactly once; a record Kafka will never take is
 * reported and not journaled; a full journal refuses with a clear exception.
 */
class JournaledSendsIntegrationTests {

	private static final int RECORDS = 1000;

	private static KafkaProcessCluster cluster;

	private static int broker;

	@BeforeAll
	static void startCluster() {
		// a broker process killed with SIGKILL: the clients keep the metadata they had,
		// as in a real outage, so sends are accepted and then expire
		cluster = KafkaProcessCluster.builder().brokers(1).start();
		broker = cluster.brokerIds().iterator().next();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Test
	void sendsFailedWhileTheBrokerIsDownAreDeliveredExactlyOnceAfterTheApplicationAndTheBrokerRestart()
			throws Exception {
		String topic = KafkaTestSupport.unique("orders");
		cluster.createTopic(topic, 3, (short) 1, Map.of());
		Path journal = KafkaTestSupport.newJournalDirectory();
		cluster.kill(broker);
		try {
			// the client forgets a dead cluster's metadata (it re-bootstraps), so each
			// send
			// fails after max.block.ms: keep that short
			try (ConfigurableApplicationContext application = run(journal,
					"spring.kafka.producer.properties.max.block.ms=1")) {
				KafkaTemplate<String, String> template = template(application);
				for (int i = 0; i < RECORDS; i++) {
					String key = (i % 2 == 0) ? "key-" + (i % 17) : null;
					String value = "order-" + i;
					Throwable failure = failureOf(() -> template.send(topic, key, value));
					assertThat(failure).isInstanceOf(SendJournaledException.class)
						.hasMessageContaining("saved in the send journal");
					if (i == 0) {
						// the sender still sees the client's own failure first
						assertThat(firstKafkaException(failure)).isInstanceOf(TimeoutException.class);
					}
				}
				assertThat(application.getBean(SendJournalStore.class).journal().statistics().backlogEntries())
					.isEqualTo(RECORDS);
				assertThat(journalHealth(application)).containsEntry("backlog", (long) RECORDS)
					.containsKey("oldestEntryAge");
				assertThat(producerHealth(application).getDetails()).containsEntry("journaled", (long) RECORDS);
			}
		}
		finally {
			cluster.restart(broker);
		}
		try (ConfigurableApplicationContext restarted = run(journal)) {
			SendJournalStore store = restarted.getBean(SendJournalStore.class);
			await().atMost(WAIT).until(() -> store.journal().statistics().backlogEntries() == 0);
			assertDeliveredOnce(topic, RECORDS, 3);
			assertThat(restarted.getBean(SendJournalReplayer.class).statistics().replayed()).isEqualTo(RECORDS);
		}
	}

	@Test
	void sendsExpiredWhileTheBrokerIsFrozenAreJournaledAndReplayedOnceItAnswers() throws Exception {
		String topic = KafkaTestSupport.unique("orders");
		cluster.createTopic(topic, 3, (short) 1, Map.of());
		int records = 200;
		try (ConfigurableApplicationContext application = run(KafkaTestSupport.newJournalDirectory())) {
			KafkaTemplate<String, String> template = template(application);
			List<CompletableFuture<?>> results = new ArrayList<>();
			template.send(topic, "key-0", "order-0").join();
			cluster.pause(broker);
			try {
				// the client still has the metadata: the records wait in its buffer until
				// the delivery timeout expires them
				for (int i = 1; i < records; i++) {
					results.add(template.send(topic, "key-" + (i % 7), "order-" + i));
				}
				await().atMost(WAIT).until(() -> results.stream().allMatch(CompletableFuture::isDone));
				assertThat(results).allSatisfy(
						(result) -> assertThat(failureOf(() -> result)).isInstanceOf(SendJournaledException.class));
			}
			finally {
				cluster.resume(broker);
			}
			SendJournalStore store = application.getBean(SendJournalStore.class);
			await().atMost(WAIT).until(() -> store.journal().statistics().backlogEntries() == 0);
			// an expired send is ambiguous: the frozen broker may still write it when it
			// wakes up, and the replay writes it again. None is lost, and each copy
			// carries the stamp of the original, so the sequence check sees duplicates.
			List<ConsumerRecord<byte[], byte[]>> delivered = KafkaTestSupport.readAll(cluster.bootstrapServers(), topic,
					(int) endOffsets(topic, 3));
			Map<String, Set<SequenceStamp>> stamps = new HashMap<>();
			delivered.forEach((record) -> stamps
				.computeIfAbsent(new String(record.value(), StandardCharsets.UTF_8), (value) -> new HashSet<>())
				.add(SequenceStamp.from(record.headers())));
			assertThat(stamps).hasSize(records).containsKeys("order-0", "order-" + (records - 1));
			assertThat(stamps.values()).allSatisfy((copies) -> assertThat(copies).singleElement().isNotNull());
		}
	}

	@Test
	void recordKafkaWillNeverTakeIsReportedAndNotJournaled() {
		String topic = KafkaTestSupport.unique("orders");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		try (ConfigurableApplicationContext application = run(KafkaTestSupport.newJournalDirectory(),
				"spring.kafka.producer.properties.max.request.size=2048")) {
			assertThat(failureOf(() -> template(application).send(topic, "x".repeat(4096))))
				.isInstanceOf(RecordTooLargeException.class);
			assertThat(application.getBean(SendJournalStore.class).journal().statistics().backlogEntries()).isZero();
			assertThat(producerHealth(application).getDetails()).containsEntry("rejected", 1L)
				.containsEntry("journaled", 0L);
		}
	}

	@Test
	void sendToATopicThatDoesNotExistIsNotJournaledAndTheSenderSeesTheClientsTimeout() {
		String topic = KafkaTestSupport.unique("missing");
		try (ConfigurableApplicationContext application = run(KafkaTestSupport.newJournalDirectory(),
				"spring.kafka.producer.properties.max.block.ms=500")) {
			Throwable failure = failureOf(() -> template(application).send(topic, "order-0"));
			assertThat(failure).isNotInstanceOf(SendJournaledException.class);
			assertThat(firstKafkaException(failure)).isInstanceOf(TimeoutException.class)
				.hasMessageContaining("not present in metadata");
			assertThat(application.getBean(SendJournalStore.class).journal().statistics().appended()).isZero();
			assertThat(producerHealth(application).getDetails()).containsEntry("journaled", 0L)
				.containsEntry("rejected", 1L);
		}
	}

	@Test
	void fullJournalRefusesTheRecordWithAClearException() {
		String topic = KafkaTestSupport.unique("orders");
		// without sequence stamps the client itself fails each send at once. The
		// application starts with its brokers already down, as in the test above, but
		// at an address where nothing listens: to the client that is the killed broker,
		// and the broker need not be restarted (10 s here)
		try (ConfigurableApplicationContext application = run(KafkaTestSupport.newJournalDirectory(),
				"spring.kafka.bootstrap-servers=127.0.0.1:1", "lossless.kafka.sequence.enabled=false",
				"spring.kafka.producer.properties.max.block.ms=1", "lossless.kafka.producer.journal.max-size=4KB",
				"lossless.kafka.producer.journal.segment-size=4KB")) {
			KafkaTemplate<String, String> template = template(application);
			List<Throwable> failures = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				failures.add(failureOf(() -> template.send(topic, "x".repeat(500))));
			}
			assertThat(failures).hasOnlyElementsOfTypes(SendJournaledException.class, SendJournalFullException.class);
			assertThat(failures).filteredOn(SendJournalFullException.class::isInstance)
				.isNotEmpty()
				.first()
				.satisfies((full) -> assertThat(full).hasMessageContaining("is full")
					.hasMessageContaining("was not journaled")
					.hasMessageContaining(topic));
		}
	}

	@Test
	void tornJournalTailFoundAtStartupIsReportedAndTheIntactEntriesAreReplayed() throws Exception {
		String topic = KafkaTestSupport.unique("orders");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		Path journal = KafkaTestSupport.newJournalDirectory();
		Path slot = journal.resolve("slot-0");
		try (SendJournal previousRun = SendJournal.open(slot, 1 << 20, 1 << 20)) {
			for (int i = 0; i < 3; i++) {
				previousRun.append(new JournalEntry(topic, 0, null, ("order-" + i).getBytes(StandardCharsets.UTF_8),
						List.of(), Instant.now(), "test"));
			}
		}
		// the process died in the middle of writing the last entry
		Path segment;
		try (Stream<Path> files = Files.list(slot)) {
			segment = files.filter((file) -> file.toString().endsWith(".journal")).findFirst().orElseThrow();
		}
		try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
			channel.truncate(channel.size() - 5);
		}
		try (ConfigurableApplicationContext application = run(journal)) {
			SendJournalStore store = application.getBean(SendJournalStore.class);
			await().atMost(WAIT).until(() -> store.journal().statistics().backlogEntries() == 0);
			assertDeliveredOnce(topic, 2, 1);
			assertThat(journalHealth(application).get("corruptions")).asInstanceOf(InstanceOfAssertFactories.LIST)
				.singleElement()
				.asString()
				.contains(segment.getFileName().toString());
		}
	}

	private static void assertDeliveredOnce(String topic, int records, int partitions) throws Exception {
		assertThat(endOffsets(topic, partitions)).as("records written").isEqualTo(records);
		List<ConsumerRecord<byte[], byte[]>> delivered = KafkaTestSupport.readAll(cluster.bootstrapServers(), topic,
				records);
		Set<String> values = new HashSet<>();
		delivered.forEach((record) -> values.add(new String(record.value(), StandardCharsets.UTF_8)));
		assertThat(delivered).hasSize(records);
		assertThat(values).hasSize(records).contains("order-0", "order-" + (records - 1));
	}

	private static long endOffsets(String topic, int partitions) throws Exception {
		Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
		for (int partition = 0; partition < partitions; partition++) {
			latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
		}
		try (Admin admin = cluster.createAdmin()) {
			return admin.listOffsets(latest)
				.all()
				.get(30, TimeUnit.SECONDS)
				.values()
				.stream()
				.mapToLong(ListOffsetsResultInfo::offset)
				.sum();
		}
	}

	/**
	 * Return why a send failed: {@code KafkaTemplate.send} throws when the client fails
	 * the send at once, and completes the future exceptionally otherwise.
	 */
	private static Throwable failureOf(Supplier<CompletableFuture<?>> send) {
		try {
			send.get().join();
		}
		catch (KafkaException ex) {
			return (ex.getCause() instanceof KafkaProducerException producerException) ? producerException.getCause()
					: ex.getCause();
		}
		catch (CompletionException ex) {
			return ex.getCause().getCause();
		}
		throw new AssertionError("The send succeeded");
	}

	private static @Nullable Throwable firstKafkaException(Throwable failure) {
		for (Throwable candidate = failure; candidate != null; candidate = candidate.getCause()) {
			if (candidate instanceof org.apache.kafka.common.KafkaException) {
				return candidate;
			}
		}
		return null;
	}

	private static ConfigurableApplicationContext run(Path journal, String... extraProperties) {
		return run(ProducerApplication.class, journal, extraProperties);
	}

	private static ConfigurableApplicationContext run(Class<?> application, Path journal, String... extraProperties) {
		List<String> properties = new ArrayList<>(List.of(
				"spring.kafka.bootstrap-servers=" + cluster.bootstrapServers(),
				"lossless.kafka.producer.delivery-timeout=5s", "spring.kafka.producer.properties.max.block.ms=2000",
				"lossless.kafka.producer.journal.replay-back-off=200ms",
				"lossless.kafka.producer.journal.replay-max-back-off=2s",
				"lossless.kafka.accepted-risks=topic.replication-factor,topic.min-insync-replicas",
				KafkaTestSupport.JOURNAL_DIRECTORY + "=" + journal));
		properties.addAll(List.of(extraProperties));
		return KafkaTestSupport.run(application, properties.toArray(String[]::new));
	}

	@SuppressWarnings("unchecked")
	private static KafkaTemplate<String, String> template(ConfigurableApplicationContext context) {
		return context.getBean(KafkaTemplate.class);
	}

	private static Health producerHealth(ConfigurableApplicationContext context) {
		CompositeHealthContributor reliability = context.getBean("kafkaReliabilityHealthContributor",
				CompositeHealthContributor.class);
		return ((HealthIndicator) reliability.getContributor("producer")).health();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> journalHealth(ConfigurableApplicationContext context) {
		return (Map<String, Object>) producerHealth(context).getDetails().get("journal");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ProducerApplication {

	}

}
