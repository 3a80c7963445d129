package dev.lossless.kafka.producer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import dev.lossless.kafka.sequence.ProducerSequences;
import dev.lossless.kafka.sequence.SequenceStamp;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.DefaultKafkaProducerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Which failures the producer wrapper hands to its fallback, with a client stand-in whose
 * failures the test chooses (pure logic: no broker involved).
 */
class LosslessProducerTests {

	private final RecordingFallback fallback = new RecordingFallback();

	private final ClosingMockProducer client = new ClosingMockProducer();

	private final LosslessProducer<String, String> producer = new LosslessProducer<>(this.client, null,
			new PartitionResolver(this.client, new ApplicationSerializers(
					new DefaultKafkaProducerFactory<>(Map.of(), new StringSerializer(), new StringSerializer())), null,
					false, 16384),
			null, this.fallback);

	@Test
	void recordsFailedByAForcedCloseGoToTheFallback() {
		List<Exception> reported = new ArrayList<>();
		this.producer.send(new ProducerRecord<>("orders", "order-1"), (metadata, exception) -> reported.add(exception));
		this.producer.send(new ProducerRecord<>("orders", "order-2"), (metadata, exception) -> reported.add(exception));
		this.producer.close(Duration.ofSeconds(2));
		assertThat(this.fallback.taken).extracting((record) -> (Object) record.value())
			.containsExactly("order-1", "order-2");
		assertThat(reported).hasSize(2).allSatisfy((exception) -> assertThat(exception).hasMessage("journaled"));
	}

	@Test
	void failureTheClientReportsAtOnceReachesTheFutureAsTheFallbackReportedIt() {
		this.client.failAtOnce = new TimeoutException("no metadata");
		Future<RecordMetadata> future = this.producer.send(new ProducerRecord<>("orders", "order-1"), null);
		assertThat(future).isDone();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(future::get)
			.havingCause()
			.withMessage("journaled");
	}

	@Test
	void nonRetriableFailureIsReportedAsItIs() {
		List<Exception> reported = new ArrayList<>();
		this.producer.send(new ProducerRecord<>("orders", "order-1"), (metadata, exception) -> reported.add(exception));
		this.client.errorNext(new KafkaException("authorization"));
		assertThat(this.fallback.taken).isEmpty();
		assertThat(reported).singleElement()
			.satisfies((exception) -> assertThat(exception).hasMessage("authorization"));
	}

	@Test
	void transactionalProducerHandsNothingToTheFallback() {
		this.producer.initTransactions();
		this.producer.send(new ProducerRecord<>("orders", "order-1"));
		this.client.errorNext(new TimeoutException("expired"));
		assertThat(this.fallback.taken).isEmpty();
	}

	@Test
	void stampedRecordKeepsTheApplicationsHeadersAndCarriesOneStampOfItsPartition() {
		MockProducer<String, String> client = twoPartitionClient();
		ProducerSequences sequences = ProducerSequences.create();
		LosslessProducer<String, String> producer = stamping(client, sequences);
		ProducerRecord<String, String> forwarded = new ProducerRecord<>("orders", 1, "key", "order-1");
		forwarded.headers().add("trace", new byte[] { 7 });
		forwarded.headers().add(SequenceStamp.HEADER, new SequenceStamp(5, 9).toBytes());
		forwarded.headers().add(SequenceStamp.REPLAYED_HEADER, new byte[0]);
		producer.send(forwarded);
		producer.send(new ProducerRecord<>("orders", 1, "key", "order-2"));
		producer.send(new ProducerRecord<>("orders", 0, "key", "order-3"));
		assertThat(client.history()).extracting(ProducerRecord::partition).containsExactly(1, 1, 0);
		assertThat(client.history().get(0).headers().toArray()).extracting(Header::key)
			.containsExactly("trace", SequenceStamp.HEADER);
		assertThat(client.history()).extracting((record) -> SequenceStamp.from(record.headers()))
			.containsExactly(new SequenceStamp(sequences.producerId(), 0), new SequenceStamp(sequences.producerId(), 1),
					new SequenceStamp(sequences.producerId(), 0));
	}

	@Test
	void recordThatKeepsItsStampLearnsItAndIsSentAgainWithItWithoutANewNumber() {
		MockProducer<String, String> client = twoPartitionClient();
		ProducerSequences sequences = ProducerSequences.create();
		LosslessProducer<String, String> producer = stamping(client, sequences);
		StampKeepingRecord<String, String> first = new StampKeepingRecord<>("orders", null, null, "key",
				"first attempt", List.of());
		producer.send(first);
		SequenceStamp stamp = new SequenceStamp(sequences.producerId(), 0);
		assertThat(first.stamp()).isEqualTo(stamp);
		StampKeepingRecord<String, String> again = new StampKeepingRecord<>("orders", first.stampPartition(), null,
				"key", "sent again", List.of(new RecordHeader(SequenceStamp.HEADER, stamp.toBytes()),
						new RecordHeader(SequenceStamp.REPLAYED_HEADER, new byte[0])));
		producer.send(again);
		StampKeepingRecord<String, String> next = new StampKeepingRecord<>("orders", first.stampPartition(), null,
				"key", "next", List.of());
		producer.send(next);
		assertThat(again.stamp()).isNull();
		assertThat(next.stamp()).isEqualTo(new SequenceStamp(sequences.producerId(), 1));
		assertThat(client.history()).extracting(ProducerRecord::partition).containsOnly(first.stampPartition());
		assertThat(client.history()).extracting((record) -> SequenceStamp.from(record.headers()))
			.containsExactly(stamp, stamp, new SequenceStamp(sequences.producerId(), 1));
		assertThat(client.history().get(1).headers().lastHeader(SequenceStamp.REPLAYED_HEADER)).isNotNull();
	}

	private static MockProducer<String, String> twoPartitionClient() {
		Node broker = new Node(1, "localhost", 9092);
		List<PartitionInfo> partitions = List.of(
				new PartitionInfo("orders", 0, broker, new Node[] { broker }, new Node[] { broker }),
				new PartitionInfo("orders", 1, broker, new Node[] { broker }, new Node[] { broker }));
		return new MockProducer<>(new Cluster("cluster", List.of(broker), partitions, Set.of(), Set.of()), true, null,
				new StringSerializer(), new StringSerializer());
	}

	private LosslessProducer<String, String> stamping(MockProducer<String, String> client,
			ProducerSequences sequences) {
		return new LosslessProducer<>(client, sequences,
				new PartitionResolver(client, new ApplicationSerializers(
						new DefaultKafkaProducerFactory<>(Map.of(), new StringSerializer(), new StringSerializer())),
						null, false, 16384),
				null, this.fallback);
	}

	@Test
	void messageSentAgainAfterAFailedSendKeepsTheStampOfItsFirstAttempt() {
		Node broker = new Node(1, "localhost", 9092);
		MockProducer<String, String> client = new MockProducer<>(
				new Cluster("cluster", List.of(broker),
						List.of(new PartitionInfo("orders-dlt", 0, broker, new Node[] { broker },
								new Node[] { broker })),
						Set.of(), Set.of()),
				false, null, new StringSerializer(), new StringSerializer());
		ProducerSequences sequences = ProducerSequences.create();
		ResentStamps resentStamps = new ResentStamps(ProducerRecord::key);
		LosslessProducer<String, String> producer = new LosslessProducer<>(client, sequences,
				new PartitionResolver(client, new ApplicationSerializers(
						new DefaultKafkaProducerFactory<>(Map.of(), new StringSerializer(), new StringSerializer())),
						null, false, 16384),
				null, null, resentStamps);
		producer.send(new ProducerRecord<>("orders-dlt", 0, "failed-record-1", "first attempt"));
		client.errorNext(new TimeoutException("delivery timeout"));
		producer.send(new ProducerRecord<>("orders-dlt", 0, "failed-record-2", "other"));
		client.completeNext();
		producer.send(new ProducerRecord<>("orders-dlt", 0, "failed-record-1", "second attempt"));
		client.completeNext();
		producer.send(new ProducerRecord<>("orders-dlt", 0, "failed-record-1", "published again"));
		client.completeNext();
		long id = sequences.producerId();
		assertThat(client.history()).extracting((record) -> SequenceStamp.from(record.headers()))
			.containsExactly(new SequenceStamp(id, 0), new SequenceStamp(id, 1), new SequenceStamp(id, 0),
					new SequenceStamp(id, 2));
		assertThat(client.history())
			.extracting((record) -> record.headers().lastHeader(SequenceStamp.REPLAYED_HEADER) != null)
			.as("only the copy sent again is marked: it cannot start a sequence window")
			.containsExactly(false, false, true, false);
		assertThat(resentStamps.size()).isZero();
	}

	static final class RecordingFallback implements SendFallback {

		final List<ProducerRecord<?, ?>> taken = new ArrayList<>();

		@Override
		public boolean takes(Throwable exception) {
			return exception instanceof RetriableException;
		}

		@Override
		public Exception takeOver(ProducerRecord<?, ?> record, Exception exception) {
			this.taken.add(record);
			return new KafkaException("journaled", exception);
		}

	}

	/**
	 * Completes nothing by itself; a close fails what is pending as the Kafka client
	 * does, and a send may fail at once as the client does without metadata.
	 */
	static final class ClosingMockProducer extends MockProducer<String, String> {

		Exception failAtOnce;

		ClosingMockProducer() {
			super(false, null, new StringSerializer(), new StringSerializer());
		}

		@Override
		public synchronized Future<RecordMetadata> send(ProducerRecord<String, String> record, Callback callback) {
			if (this.failAtOnce != null) {
				if (callback != null) {
					callback.onCompletion(null, this.failAtOnce);
				}
				return CompletableFuture.failedFuture(this.failAtOnce);
			}
			return super.send(record, callback);
		}

		@Override
		public void initTransactions() {
		}

		@Override
		public void close(Duration timeout) {
			while (errorNext(new KafkaException("Producer is closed forcefully."))) {
				// every pending record
			}
			super.close(timeout);
		}

	}

}
