package dev.lossless.kafka.sequence;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import org.springframework.core.task.SimpleAsyncTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SequenceWindowPostProcessors}.
 *
 * @author Lossless Kafka team
 */
class SequenceWindowPostProcessorsTests {

	private static final long PRODUCER = 0x1234L;

	private final SequenceChecker checker = new SequenceChecker();

	private final SequenceWindowCommits commits = new SequenceWindowCommits(this.checker, () -> 4096);

	private final MockProducer<String, String> client = new MockProducer<>(true, null, new StringSerializer(),
			new StringSerializer());

	@Test
	void producerSendsTheWindowsToTheTransactionWithTheOffsets() {
		Producer<String, String> producer = wrap(this.client);
		for (long offset = 0; offset < 3; offset++) {
			this.checker.check("group", stamped(offset, offset));
		}
		producer.initTransactions();
		producer.beginTransaction();
		TopicPartition orders = new TopicPartition("orders", 0);
		producer.sendOffsetsToTransaction(Map.of(orders, new OffsetAndMetadata(3)), new ConsumerGroupMetadata("group"));
		producer.commitTransaction();
		List<Map<String, Map<TopicPartition, OffsetAndMetadata>>> sent = this.client.consumerGroupOffsetsHistory();
		assertThat(sent).hasSize(1);
		OffsetAndMetadata committed = sent.get(0).get("group").get(orders);
		assertThat(committed.offset()).isEqualTo(3);
		assertThat(SequenceWindowCodec.decode(committed.metadata())).containsExactly(Map.entry(PRODUCER, 2L));
	}

	@Test
	void producerHandsEachSendToTheClientDirectly() {
		Producer<String, String> producer = wrap(this.client);
		// every send passes through the wrapper: no reflective proxy on that path
		assertThat(Proxy.isProxyClass(producer.getClass())).isFalse();
		ProducerRecord<String, String> record = new ProducerRecord<>("orders", 0, "key", "value");
		producer.send(record, null);
		assertThat(this.client.history()).singleElement().isSameAs(record);
	}

	@Test
	void consumerCommitsTheWindowsWithTheOffsets() {
		MockConsumer<String, String> client = new MockConsumer<>("earliest");
		TopicPartition orders = new TopicPartition("orders", 0);
		client.assign(List.of(orders));
		Consumer<String, String> consumer = wrap(client);
		// every poll passes through the wrapper: no reflective proxy on that path
		assertThat(Proxy.isProxyClass(consumer.getClass())).isFalse();
		String group = consumer.groupMetadata().groupId();
		for (long offset = 0; offset < 3; offset++) {
			this.checker.check(group, stamped(offset, offset));
		}
		consumer.commitSync(Map.of(orders, new OffsetAndMetadata(3)));
		OffsetAndMetadata committed = client.committed(Set.of(orders)).get(orders);
		assertThat(committed.offset()).isEqualTo(3);
		assertThat(SequenceWindowCodec.decode(committed.metadata())).containsExactly(Map.entry(PRODUCER, 2L));
	}

	@Test
	void gapsOfAFailedCommitStayWithThisMemberWhenThePartitionMoves() {
		MockConsumer<String, String> client = new MockConsumer<>("earliest") {

			@Override
			public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
				throw new CommitFailedException();
			}

		};
		TopicPartition orders = new TopicPartition("orders", 0);
		client.assign(List.of(orders));
		Consumer<String, String> consumer = wrap(client);
		String group = consumer.groupMetadata().groupId();
		this.checker.check(group, stamped(0, 0));
		this.checker.check(group, stamped(1, 3));
		assertThatExceptionOfType(CommitFailedException.class)
			.isThrownBy(() -> consumer.commitSync(Map.of(orders, new OffsetAndMetadata(2))));
		this.checker.handOver(group, List.of(orders));
		assertThat(this.checker.statistics().unresolvedRecords()).as("not handed over: the broker does not hold them")
			.isEqualTo(2);
	}

	@Test
	void gapsOfAnAbortedTransactionStayWithThisMemberWhenThePartitionMoves() {
		Producer<String, String> producer = wrap(this.client);
		this.checker.check("group", stamped(0, 0));
		this.checker.check("group", stamped(1, 3));
		producer.initTransactions();
		producer.beginTransaction();
		TopicPartition orders = new TopicPartition("orders", 0);
		producer.sendOffsetsToTransaction(Map.of(orders, new OffsetAndMetadata(2)), new ConsumerGroupMetadata("group"));
		producer.abortTransaction();
		this.checker.handOver("group", List.of(orders));
		assertThat(this.checker.statistics().unresolvedRecords()).as("not handed over: the broker does not hold them")
			.isEqualTo(2);
	}

	@Test
	void creatingAConsumerReadsTheMetadataLimitOffTheConsumersThread() {
		Set<Thread> readers = ConcurrentHashMap.newKeySet();
		OffsetMetadataLimit limit = new OffsetMetadataLimit(() -> {
			readers.add(Thread.currentThread());
			throw new KafkaException("no brokers");
		}, Duration.ofSeconds(1), new SimpleAsyncTaskExecutor());
		wrap(new MockConsumer<String, String>("earliest"), new SequenceWindowCommits(this.checker, limit));
		// read before the first commit, which would otherwise create an Admin client on
		// the consumer's thread, and not on the thread that starts the container either
		await().atMost(Duration.ofSeconds(30)).until(() -> !readers.isEmpty());
		assertThat(readers).doesNotContain(Thread.currentThread());
		// the failed read is not tried again by the first commit
		assertThat(limit.getAsInt()).isEqualTo(-1);
		assertThat(readers).hasSize(1);
	}

	@Test
	void limitWhoseAdminConfigurationCannotBeHadIsAFailedReadTriedAgainLater() throws Exception {
		AtomicInteger asked = new AtomicInteger();
		OffsetMetadataLimit limit = new OffsetMetadataLimit(() -> {
			asked.incrementAndGet();
			throw new IllegalStateException("no KafkaAdmin");
		}, Duration.ofSeconds(1), new SimpleAsyncTaskExecutor());
		CompletableFuture<Integer> read = limit.read();
		assertThat(read).isNotNull();
		assertThat(read.get(30, TimeUnit.SECONDS)).isEqualTo(-1);
		// not read again at each commit until the retry time
		assertThat(limit.read()).isNull();
		assertThat(limit.getAsInt()).isEqualTo(-1);
		assertThat(asked).hasValue(1);
	}

	private Consumer<String, String> wrap(Consumer<String, String> consumer) {
		return wrap(consumer, this.commits);
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static Consumer<String, String> wrap(Consumer<String, String> consumer, SequenceWindowCommits commits) {
		return (Consumer) SequenceWindowPostProcessors.consumers(commits).apply((Consumer) consumer);
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private Producer<String, String> wrap(Producer<String, String> producer) {
		return (Producer) SequenceWindowPostProcessors.producers(this.commits).apply((Producer) producer);
	}

	private static ConsumerRecord<String, String> stamped(long offset, long sequence) {
		RecordHeaders headers = new RecordHeaders();
		headers.add(SequenceStamp.HEADER, new SequenceStamp(PRODUCER, sequence).toBytes());
		return new ConsumerRecord<>("orders", 0, offset, 0L, TimestampType.CREATE_TIME, -1, -1, "key", "value", headers,
				Optional.empty());
	}

}
