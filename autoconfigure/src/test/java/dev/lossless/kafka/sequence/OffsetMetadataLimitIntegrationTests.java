package dev.lossless.kafka.sequence;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.concurrent.ConcurrentTaskExecutor;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The brokers' {@code offset.metadata.max.bytes} is read off the consumer's thread: a
 * commit made while the Admin call cannot complete does not wait for it (and carries no
 * window, the limit being unknown); once the limit is read, commits carry the window.
 */
class OffsetMetadataLimitIntegrationTests {

	private static final int METADATA_LIMIT = 300;

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
			checker.check(group, stamped(topic, 0, 77, 0));
			try (Consumer<Object, Object> consumer = wrapped(commits, group)) {
				consumer.assign(List.of(partition));
				CompletableFuture<Void> commit = CompletableFuture
					.runAsync(() -> consumer.commitSync(Map.of(partition, new OffsetAndMetadata(1))));
				assertThat(commit).as("the commit, while the Admin call waits for brokers that do not answer")
					.succeedsWithin(WAIT);
			}
			assertThat(silent.connections()).as("the Admin call was tried").isPositive();
			assertThat(limit.getAsInt()).isEqualTo(-1);
			OffsetAndMetadata committed = committed(group, partition);
			assertThat(committed.offset()).isEqualTo(1);
			assertThat(committed.metadata()).as("no window while the limit is unknown").isEmpty();
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
		checker.check(group, stamped(topic, 0, 77, 0));
		checker.check(group, stamped(topic, 1, 77, 1));
		await().atMost(WAIT).until(() -> limit.getAsInt() == METADATA_LIMIT);
		try (Consumer<Object, Object> consumer = wrapped(commits, group)) {
			consumer.assign(List.of(partition));
			consumer.commitSync(Map.of(partition, new OffsetAndMetadata(2)));
		}
		OffsetAndMetadata committed = committed(group, partition);
		assertThat(committed.offset()).isEqualTo(2);
		assertThat(SequenceWindowCodec.decode(committed.metadata())).containsExactly(Map.entry(77L, 1L));
	}

	private static Map<String, Object> adminConfig(String bootstrapServers) {
		return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static Consumer<Object, Object> wrapped(SequenceWindowCommits commits, String group) {
		Consumer consumer = new KafkaConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
						ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
				new ByteArrayDeserializer(), new ByteArrayDeserializer());
		return SequenceWindowPostProcessors.consumers(commits).apply(consumer);
	}

	private static OffsetAndMetadata committed(String group, TopicPartition partition) throws Exception {
		try (var admin = cluster.createAdmin()) {
			return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(partition);
		}
	}

	private static ConsumerRecord<byte[], byte[]> stamped(String topic, long offset, long producer, long sequence) {
		ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(topic, 0, offset, null, new byte[0]);
		record.headers().add(SequenceStamp.HEADER, new SequenceStamp(producer, sequence).toBytes());
		return record;
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
