package dev.lossless.kafka.sequence;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.sequence.SequenceChecker.SequenceStatistics;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.scheduling.concurrent.ConcurrentTaskExecutor;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sequence windows persisted in the committed offsets' metadata, against a real broker
 * whose {@code offset.metadata.max.bytes} is small: a gap made while a partition has no
 * owner, or while the application is down, is reported by the next owner; members coming
 * and going while a producer sends report no gap; open gaps move with the partition; the
 * metadata never exceeds the broker's limit, which is read off the consumer's thread.
 */
class SequenceWindowsIntegrationTests {

	private static final int METADATA_LIMIT = 200;

	/**
	 * Far longer than {@link KafkaTestSupport#WAIT}: an Admin call bounded by it cannot
	 * complete within a test.
	 */
	private static final Duration ADMIN_TIMEOUT = Duration.ofMinutes(10);

	private static EmbeddedKafkaCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = EmbeddedKafkaCluster.builder()
			.brokers(1)
			.brokerProperty("offset.metadata.max.bytes", String.valueOf(METADATA_LIMIT))
			.start();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Test
	void gapMadeWhileThePartitionHasNoOwnerIsReportedByTheNextOwner() {
		String topic = KafkaTestSupport.unique("orders");
		String group = KafkaTestSupport.unique("group");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		try (ConfigurableApplicationContext first = run(topic, group);
				ConfigurableApplicationContext next = run(topic, group, "spring.kafka.listener.auto-startup=false");
				KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			send(producer, topic, 0, 77, 0, 1, 2, 3, 4);
			awaitCommitted(group, new TopicPartition(topic, 0), 5);
			container(first).stop();
			await().atMost(WAIT).until(() -> !container(first).isRunning());
			// revoked and owned by no one: sequence 5 and 6 are never written
			send(producer, topic, 0, 77, 7, 8);
			container(next).start();
			SequenceChecker checker = checker(next);
			await().atMost(WAIT).until(() -> checker.statistics().checked() == 2);
			assertGap(checker.statistics(), topic, 77, 5, 6);
			assertThat(sequenceHealth(next).getStatus()).isEqualTo(Status.DOWN);
		}
	}

	@Test
	void gapFilledAfterThePartitionMovedIsResolvedWhereItWasSeenAndStillShownUntilFilled() {
		String topic = KafkaTestSupport.unique("orders");
		String group = KafkaTestSupport.unique("group");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		TopicPartition partition = new TopicPartition(topic, 0);
		try (ConfigurableApplicationContext first = run(topic, group);
				ConfigurableApplicationContext next = run(topic, group, "spring.kafka.listener.auto-startup=false");
				KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			// 3 and 4 failed with a delivery timeout and wait in the send journal
			send(producer, topic, 0, 77, 0, 1, 2, 5, 6);
			SequenceChecker seenFirst = checker(first);
			await().atMost(WAIT).until(() -> seenFirst.statistics().checked() == 5);
			assertGap(seenFirst.statistics(), topic, 77, 3, 4);
			awaitCommitted(group, partition, 5);
			moveTo(first, next);
			// the journal replays 3 to the next owner; 4 is still missing
			sendReplayed(producer, topic, 0, 77, 3);
			send(producer, topic, 0, 77, 7);
			SequenceChecker seenNext = checker(next);
			await().atMost(WAIT).until(() -> seenNext.statistics().checked() == 2);
			assertThat(seenFirst.statistics().unresolvedRecords()).as("handed over with the partition").isZero();
			assertThat(sequenceHealth(first).getStatus()).isEqualTo(Status.UP);
			assertThat(seenNext.statistics().unresolved()).singleElement().satisfies((range) -> {
				assertThat(range.firstMissing()).isEqualTo(4);
				assertThat(range.lastMissing()).isEqualTo(4);
			});
			assertThat(sequenceHealth(next).getStatus()).isEqualTo(Status.DOWN);
			sendReplayed(producer, topic, 0, 77, 4);
			await().atMost(WAIT).until(() -> seenNext.statistics().checked() == 3);
			assertThat(seenNext.statistics().lateRecords()).isEqualTo(2);
			assertThat(seenNext.statistics().unresolvedRecords()).isZero();
			assertThat(sequenceHealth(next).getStatus()).isEqualTo(Status.UP);
		}
	}

	@Test
	void olderCopyWithoutTheReplayedMarkAfterThePartitionMovedIsNoGap() {
		String topic = KafkaTestSupport.unique("orders");
		String group = KafkaTestSupport.unique("group");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		try (ConfigurableApplicationContext first = run(topic, group);
				ConfigurableApplicationContext next = run(topic, group, "spring.kafka.listener.auto-startup=false");
				KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			// as in a nemesis run: 3 to 5 missing first, then filled by the journal's
			// copy
			send(producer, topic, 0, 77, 0, 1, 2, 6, 7);
			sendReplayed(producer, topic, 0, 77, 3, 4, 5);
			awaitCommitted(group, new TopicPartition(topic, 0), 8);
			assertThat(checker(first).statistics().unresolvedRecords()).isZero();
			moveTo(first, next);
			// a second copy of 3 to 5 without the mark (a first attempt written late),
			// then 8
			send(producer, topic, 0, 77, 3, 4, 5, 8);
			SequenceChecker seenNext = checker(next);
			await().atMost(WAIT).until(() -> seenNext.statistics().checked() == 4);
			assertThat(seenNext.statistics().gaps()).isZero();
			assertThat(seenNext.statistics().duplicates()).isEqualTo(3);
			assertThat(seenNext.statistics().unresolvedRecords()).isZero();
		}
	}

	@Test
	void gapMadeWhileTheApplicationIsDownIsReportedAfterTheRestart() {
		String topic = KafkaTestSupport.unique("orders");
		String group = KafkaTestSupport.unique("group");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			try (ConfigurableApplicationContext context = run(topic, group)) {
				send(producer, topic, 0, 77, 0, 1, 2);
				send(producer, topic, 0, 78, 10, 11);
				awaitCommitted(group, new TopicPartition(topic, 0), 5);
			}
			send(producer, topic, 0, 78, 12);
			send(producer, topic, 0, 77, 6, 7);
			try (ConfigurableApplicationContext restarted = run(topic, group)) {
				SequenceChecker checker = checker(restarted);
				await().atMost(WAIT).until(() -> checker.statistics().checked() == 3);
				assertGap(checker.statistics(), topic, 77, 3, 5);
				assertThat(checker.windowStatistics().restoredProducers()).isEqualTo(2);
			}
		}
	}

	@Test
	void gapMadeWhileATransactionalApplicationIsDownIsReportedAfterTheRestart() throws Exception {
		KafkaTestSupport.createTransactionStateLog(cluster.bootstrapServers());
		String topic = KafkaTestSupport.unique("orders");
		String group = KafkaTestSupport.unique("group");
		String transactions = "spring.kafka.producer.transaction-id-prefix=" + KafkaTestSupport.unique("tx");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		TopicPartition partition = new TopicPartition(topic, 0);
		try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			try (ConfigurableApplicationContext context = run(topic, group, transactions)) {
				send(producer, topic, 0, 77, 0, 1, 2);
				awaitCommitted(group, partition, 3);
				assertThat(committedMetadata(group, partition)).startsWith(SequenceWindowCodec.PREFIX);
			}
			send(producer, topic, 0, 77, 5);
			try (ConfigurableApplicationContext restarted = run(topic, group, transactions)) {
				SequenceChecker checker = checker(restarted);
				await().atMost(WAIT).until(() -> checker.statistics().checked() == 1);
				assertGap(checker.statistics(), topic, 77, 3, 4);
			}
		}
	}

	@Test
	void commitWhileTheBrokersDoNotAnswerTheAdminCallDoesNotWaitForIt() throws Exception {
		String topic = KafkaTestSupport.unique("orders");
		String group = KafkaTestSupport.unique("group");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		TopicPartition partition = new TopicPartition(topic, 0);
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try (SilentBroker silent = new SilentBroker()) {
			SequenceChecker checker = new SequenceChecker();
			OffsetMetadataLimit limit = new OffsetMetadataLimit(() -> adminConfig(silent.address()), ADMIN_TIMEOUT,
					new ConcurrentTaskExecutor(executor));
			SequenceWindowCommits commits = new SequenceWindowCommits(checker, limit);
			checker.check(group, received(topic, 0, 77, 0));
			try (Consumer<Object, Object> consumer = windowCommittingConsumer(commits, group)) {
				consumer.assign(List.of(partition));
				CompletableFuture<Void> commit = CompletableFuture
					.runAsync(() -> consumer.commitSync(Map.of(partition, new OffsetAndMetadata(1))));
				assertThat(commit).as("the commit, while the Admin call waits for brokers that do not answer")
					.succeedsWithin(WAIT);
			}
			assertThat(silent.connections()).as("the Admin call was tried").isPositive();
			assertThat(limit.getAsInt()).isEqualTo(-1);
			assertThat(KafkaTestSupport.committedOffset(cluster.bootstrapServers(), group, partition)).isOne();
			assertThat(committedMetadata(group, partition)).as("no window while the limit is unknown").isEmpty();
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void limitIsReadFromTheBrokersAndThenCommitsCarryTheWindow() throws Exception {
		String topic = KafkaTestSupport.unique("orders");
		String group = KafkaTestSupport.unique("group");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		TopicPartition partition = new TopicPartition(topic, 0);
		SequenceChecker checker = new SequenceChecker();
		OffsetMetadataLimit limit = new OffsetMetadataLimit(() -> adminConfig(cluster.bootstrapServers()),
				Duration.ofSeconds(30), new SimpleAsyncTaskExecutor());
		SequenceWindowCommits commits = new SequenceWindowCommits(checker, limit);
		checker.check(group, received(topic, 0, 77, 0));
		checker.check(group, received(topic, 1, 77, 1));
		await().atMost(WAIT).until(() -> limit.getAsInt() == METADATA_LIMIT);
		try (Consumer<Object, Object> consumer = windowCommittingConsumer(commits, group)) {
			consumer.assign(List.of(partition));
			consumer.commitSync(Map.of(partition, new OffsetAndMetadata(2)));
		}
		assertThat(KafkaTestSupport.committedOffset(cluster.bootstrapServers(), group, partition)).isEqualTo(2);
		assertThat(SequenceWindowCodec.decode(committedMetadata(group, partition))).containsExactly(Map.entry(77L, 1L));
	}

	@Test
	void metadataTheApplicationCommitsIsKept() throws Exception {
		String topic = KafkaTestSupport.unique("orders");
		String group = KafkaTestSupport.unique("group");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		TopicPartition partition = new TopicPartition(topic, 0);
		try (ConfigurableApplicationContext context = run(topic, group, "test.own-metadata=true");
				KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			send(producer, topic, 0, 77, 0, 1);
			awaitCommitted(group, partition, 2);
			assertThat(committedMetadata(group, partition)).isEqualTo("mine");
			assertThat(context.getBean(SequenceWindowCommits.class).applicationMetadata()).isPositive();
		}
	}

	@Test
	void membersComingAndGoingWhileAProducerSendsReportNoGap() throws Exception {
		String topic = KafkaTestSupport.unique("orders");
		String group = KafkaTestSupport.unique("group");
		cluster.createTopic(topic, 3, (short) 1, Map.of());
		Set<String> processed = OrderListener.processed(topic);
		AtomicBoolean sending = new AtomicBoolean(true);
		AtomicLong sent = new AtomicLong();
		List<SequenceChecker> checkers = new ArrayList<>();
		CompletableFuture<Void> sender;
		try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			sender = CompletableFuture.runAsync(() -> {
				long[] next = new long[3];
				while (sending.get() || sent.get() < 300) {
					int partition = (int) (sent.get() % 3);
					producer.send(stamped(topic, partition, 90 + partition % 2, next[partition]++));
					if (sent.incrementAndGet() % 20 == 0) {
						producer.flush();
						// at most 100 records ahead of the members, so that they flow
						// through every membership change without flooding it (unpaced,
						// the loop sent some 200,000 records during the test)
						await().atMost(WAIT).until(() -> processed.size() >= sent.get() - 100);
					}
				}
				producer.flush();
			});
			ConfigurableApplicationContext staying = run(topic, group);
			checkers.add(checker(staying));
			for (int member = 0; member < 3; member++) {
				long before = processed.size();
				try (ConfigurableApplicationContext joining = run(topic, group)) {
					checkers.add(checker(joining));
					await().atMost(WAIT).until(() -> processed.size() > before + 20);
				}
			}
			staying.close();
			try (ConfigurableApplicationContext restarted = run(topic, group)) {
				checkers.add(checker(restarted));
				sending.set(false);
				sender.get();
				await().atMost(WAIT).until(() -> processed.size() == sent.get());
				assertThat(sequenceHealth(restarted).getStatus()).isEqualTo(Status.UP);
			}
		}
		assertThat(sent.get()).isGreaterThanOrEqualTo(300);
		assertThat(checkers.stream().mapToLong((checker) -> checker.statistics().checked()).sum())
			.isGreaterThanOrEqualTo(sent.get());
		assertThat(checkers).allSatisfy((checker) -> {
			assertThat(checker.statistics().gaps()).isZero();
			assertThat(checker.statistics().duplicates()).isZero();
			assertThat(checker.statistics().unresolvedRecords()).isZero();
		});
		assertThat(checkers.stream().mapToLong((checker) -> checker.windowStatistics().restoredProducers()).sum())
			.as("windows carried over from one owner to the next")
			.isPositive();
	}

	@Test
	void metadataStaysWithinTheBrokersLimitAndEvictionsAreCounted() throws Exception {
		String topic = KafkaTestSupport.unique("orders");
		String group = KafkaTestSupport.unique("group");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		TopicPartition partition = new TopicPartition(topic, 0);
		try (ConfigurableApplicationContext context = run(topic, group);
				KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			for (long id = 1; id <= 40; id++) {
				send(producer, topic, 0, id, 1000 * id);
			}
			awaitCommitted(group, partition, 40);
			String metadata = committedMetadata(group, partition);
			assertThat(metadata).startsWith(SequenceWindowCodec.PREFIX).hasSizeLessThanOrEqualTo(METADATA_LIMIT);
			assertThat(SequenceWindowCodec.decode(metadata)).isNotEmpty()
				.hasSizeLessThan(40)
				.containsEntry(40L, 40_000L);
			assertThat(checker(context).windowStatistics().unpersistedProducers()).isPositive();
		}
	}

	private static Map<String, Object> adminConfig(String bootstrapServers) {
		return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static Consumer<Object, Object> windowCommittingConsumer(SequenceWindowCommits commits, String group) {
		Consumer consumer = new KafkaConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
						ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
				new ByteArrayDeserializer(), new ByteArrayDeserializer());
		return SequenceWindowPostProcessors.consumers(commits).apply(consumer);
	}

	private static ConsumerRecord<byte[], byte[]> received(String topic, long offset, long producer, long sequence) {
		ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(topic, 0, offset, null, new byte[0]);
		record.headers().add(SequenceStamp.HEADER, new SequenceStamp(producer, sequence).toBytes());
		return record;
	}

	private static void moveTo(ConfigurableApplicationContext owner, ConfigurableApplicationContext next) {
		container(owner).stop();
		await().atMost(WAIT).until(() -> !container(owner).isRunning());
		container(next).start();
	}

	private static void assertGap(SequenceStatistics statistics, String topic, long producer, long first, long last) {
		assertThat(statistics.gaps()).isOne();
		assertThat(statistics.unresolved()).singleElement().satisfies((range) -> {
			assertThat(range.topic()).isEqualTo(topic);
			assertThat(range.producer()).isEqualTo(String.format("%016x", producer));
			assertThat(range.firstMissing()).isEqualTo(first);
			assertThat(range.lastMissing()).isEqualTo(last);
		});
	}

	private static void awaitCommitted(String group, TopicPartition partition, long offset) {
		await().atMost(WAIT)
			.until(() -> KafkaTestSupport.committedOffset(cluster.bootstrapServers(), group, partition) == offset);
	}

	private static String committedMetadata(String group, TopicPartition partition) throws Exception {
		try (Admin admin = cluster.createAdmin()) {
			OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group)
				.partitionsToOffsetAndMetadata()
				.get()
				.get(partition);
			return committed.metadata();
		}
	}

	private static void send(KafkaProducer<byte[], byte[]> producer, String topic, int partition, long producerId,
			long... sequences) {
		for (long sequence : sequences) {
			producer.send(stamped(topic, partition, producerId, sequence));
		}
		producer.flush();
	}

	private static void sendReplayed(KafkaProducer<byte[], byte[]> producer, String topic, int partition,
			long producerId, long... sequences) {
		for (long sequence : sequences) {
			ProducerRecord<byte[], byte[]> record = stamped(topic, partition, producerId, sequence);
			record.headers().add(SequenceStamp.REPLAYED_HEADER, new byte[0]);
			producer.send(record);
		}
		producer.flush();
	}

	private static ProducerRecord<byte[], byte[]> stamped(String topic, int partition, long producer, long sequence) {
		RecordHeaders headers = new RecordHeaders();
		headers.add(SequenceStamp.HEADER, new SequenceStamp(producer, sequence).toBytes());
		return new ProducerRecord<>(topic, partition, null, null,
				(producer + "-" + partition + "-" + sequence).getBytes(StandardCharsets.UTF_8), headers);
	}

	private static MessageListenerContainer container(ConfigurableApplicationContext context) {
		return context.getBean(KafkaListenerEndpointRegistry.class).getListenerContainer("orders");
	}

	private static SequenceChecker checker(ConfigurableApplicationContext context) {
		return context.getBean(SequenceChecker.class);
	}

	private static Health sequenceHealth(ConfigurableApplicationContext context) {
		CompositeHealthContributor reliability = context.getBean("kafkaReliabilityHealthContributor",
				CompositeHealthContributor.class);
		return ((HealthIndicator) reliability.getContributor("sequence")).health();
	}

	private static ConfigurableApplicationContext run(String topic, String group, String... extraProperties) {
		List<String> properties = new ArrayList<>(
				List.of("spring.kafka.bootstrap-servers=" + cluster.bootstrapServers(),
						"spring.kafka.consumer.group-id=" + group,
						// members learn of a rebalance from a heartbeat: every 3 s by
						// default
						"spring.kafka.consumer.heartbeat-interval=500ms",
						"lossless.kafka.accepted-risks=topic.replication-factor,topic.min-insync-replicas",
						"test.topic=" + topic));
		properties.addAll(List.of(extraProperties));
		ConfigurableApplicationContext context = KafkaTestSupport.run(OrdersApplication.class,
				properties.toArray(String[]::new));
		// read in the background from startup: known before the first commit here
		OffsetMetadataLimit limit = context.getBean(OffsetMetadataLimit.class);
		await().atMost(WAIT).until(() -> limit.getAsInt() == METADATA_LIMIT);
		return context;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(OrderListener.class)
	static class OrdersApplication {

		@Bean
		@ConditionalOnBooleanProperty("test.own-metadata")
		ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> ownMetadata() {
			return (container) -> container.getContainerProperties()
				.setOffsetAndMetadataProvider((listener, offset) -> new OffsetAndMetadata(offset, "mine"));
		}

	}

	static class OrderListener {

		static final Map<String, Set<String>> processed = new ConcurrentHashMap<>();

		static Set<String> processed(String topic) {
			return processed.computeIfAbsent(topic, (key) -> ConcurrentHashMap.newKeySet());
		}

		@KafkaListener(id = "orders", idIsGroup = false, topics = "${test.topic}")
		void listen(String order, @Header(KafkaHeaders.RECEIVED_TOPIC) String topic) {
			processed(topic).add(order);
		}

	}

	/**
	 * A port that accepts connections and never answers: an Admin call to it waits for
	 * its whole timeout.
	 */
	private static final class SilentBroker implements AutoCloseable {

		private final ServerSocket server;

		private final List<Socket> accepted = new CopyOnWriteArrayList<>();

		SilentBroker() throws IOException {
			this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			Thread acceptor = new Thread(() -> {
				try {
					while (!this.server.isClosed()) {
						this.accepted.add(this.server.accept());
					}
				}
				catch (IOException ex) {
					// closed
				}
			}, "silent-broker");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		String address() {
			return "127.0.0.1:" + this.server.getLocalPort();
		}

		int connections() {
			return this.accepted.size();
		}

		@Override
		public void close() throws IOException {
			this.server.close();
			for (Socket socket : this.accepted) {
				socket.close();
			}
		}

	}

}
