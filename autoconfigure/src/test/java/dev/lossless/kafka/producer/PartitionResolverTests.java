package dev.lossless.kafka.producer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.lossless.kafka.sequence.SequenceStamp;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.DefaultRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.DefaultKafkaProducerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * How records without a key are spread over partitions: sticky runs of about
 * {@code batch.size} bytes, as the client's own partitioner makes them (pure logic: no
 * broker involved).
 */
class PartitionResolverTests {

	private static final int BATCH_SIZE = 16384;

	private static final Node BROKER = new Node(1, "localhost", 9092);

	private final MockProducer<String, String> client = new MockProducer<>(cluster(3, true), false, null,
			new StringSerializer(), new StringSerializer());

	private final PartitionResolver resolver = new PartitionResolver(this.client,
			new ApplicationSerializers(
					new DefaultKafkaProducerFactory<>(Map.of(), new StringSerializer(), new StringSerializer())),
			null, false, BATCH_SIZE);

	@Test
	void unkeyedRecordsStickToOnePartitionFor100RecordsWhileTheirSizeIsUnknown() {
		List<Integer> runs = runs(resolve(350));
		assertThat(runs.subList(0, 3)).containsOnly(PartitionResolver.FIRST_RUN_RECORDS);
	}

	@Test
	void unkeyedRecordsStickToOnePartitionForABatchOfBytesOnceTheirSizeIsKnown() {
		learn(1000);
		// records of 1000 bytes take 1020 with their framing and stamp: the run ends once
		// 16384 bytes went to the partition, after 17 records, as the client's own run
		List<Integer> runs = runs(resolve(400));
		assertThat(runs.subList(1, runs.size() - 1)).containsOnly(17);
		learn(100);
		runs = runs(resolve(1000));
		assertThat(runs.subList(1, runs.size() - 1)).containsOnly(BATCH_SIZE / (100 + PartitionResolver.RECORD_OVERHEAD)
				+ ((BATCH_SIZE % (100 + PartitionResolver.RECORD_OVERHEAD) != 0) ? 1 : 0));
	}

	@Test
	void onlyOneAcknowledgedRecordInSixteenTeachesTheRecordSize() {
		// the network thread writes the estimate the sending thread reads for every
		// record
		for (int offset = 1; offset < 4 * PartitionResolver.LEARNED_EVERY; offset++) {
			this.resolver.partition(new ProducerRecord<>("orders", "order"));
			if (offset % PartitionResolver.LEARNED_EVERY != 0) {
				this.resolver.acknowledged("orders",
						new RecordMetadata(new TopicPartition("orders", 0), offset, 0, 0, -1, 100_000));
			}
		}
		List<Integer> runs = runs(resolve(350));
		assertThat(runs.subList(1, 3)).containsOnly(PartitionResolver.FIRST_RUN_RECORDS);
	}

	@Test
	void recordOverheadIsWhatTheClientWritesForAStampedRecordBesidesItsKeyAndValue() {
		// the typical record: well inside a batch, from a producer past its first 256
		// records in the partition
		assertThat(PartitionResolver.RECORD_OVERHEAD).isEqualTo(written(100, 100, 60_000) - 100);
		// and close to it at the start of a batch, of a producer, and with larger records
		for (int valueSize : new int[] { 100, 1024 }) {
			for (int offsetDelta : new int[] { 5, 100 }) {
				for (long sequence : new long[] { 200, 60_000, 16_000_000 }) {
					assertThat(valueSize + PartitionResolver.RECORD_OVERHEAD)
						.as("%d B, offset delta %d, sequence %d", valueSize, offsetDelta, sequence)
						.isCloseTo(written(valueSize, offsetDelta, sequence), within(2));
				}
			}
		}
	}

	/**
	 * Return the bytes the client writes for an unkeyed, stamped record in a batch.
	 */
	private static int written(int valueSize, int offsetDelta, long sequence) {
		RecordHeaders headers = new RecordHeaders();
		headers.add(SequenceStamp.HEADER, SequenceStamp.toBytes(SequenceStamp.PRODUCER_IDS - 1, sequence));
		return DefaultRecord.sizeInBytes(offsetDelta, 3, -1, valueSize, headers.toArray());
	}

	@Test
	void aRunMovesToAnotherPartitionWithALeader() {
		MockProducer<String, String> client = new MockProducer<>(cluster(3, false), false, null, new StringSerializer(),
				new StringSerializer());
		PartitionResolver resolver = new PartitionResolver(client,
				new ApplicationSerializers(
						new DefaultKafkaProducerFactory<>(Map.of(), new StringSerializer(), new StringSerializer())),
				null, false, BATCH_SIZE);
		List<Integer> partitions = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			partitions.add(resolver.partition(new ProducerRecord<>("orders", "order-" + i)));
		}
		// partition 1 has no leader
		assertThat(partitions).containsOnly(0, 2);
		assertThat(runs(partitions)).hasSize(10);
	}

	@Test
	void keyedRecordsAndExplicitPartitionsAreNotSticky() {
		learn(1000);
		assertThat(this.resolver.partition(new ProducerRecord<>("orders", 2, "key", "order"))).isEqualTo(2);
		List<Integer> keyed = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			keyed.add(this.resolver.partition(new ProducerRecord<>("orders", "customer-7", "order-" + i)));
		}
		assertThat(keyed).containsOnly(keyed.get(0));
	}

	private void learn(int valueSize) {
		for (int i = 0; i < 200; i++) {
			this.resolver.partition(new ProducerRecord<>("orders", "order"));
			this.resolver.acknowledged("orders", new RecordMetadata(new TopicPartition("orders", 0),
					(long) i * PartitionResolver.LEARNED_EVERY, 0, 0, -1, valueSize));
		}
	}

	private List<Integer> resolve(int records) {
		List<Integer> partitions = new ArrayList<>();
		for (int i = 0; i < records; i++) {
			partitions.add(this.resolver.partition(new ProducerRecord<>("orders", "order-" + i)));
		}
		return partitions;
	}

	/**
	 * Return the lengths of the runs of one partition.
	 */
	private static List<Integer> runs(List<Integer> partitions) {
		List<Integer> runs = new ArrayList<>();
		int run = 0;
		for (int i = 0; i < partitions.size(); i++) {
			if (i > 0 && !partitions.get(i).equals(partitions.get(i - 1))) {
				runs.add(run);
				run = 0;
			}
			run++;
		}
		runs.add(run);
		return runs;
	}

	private static Cluster cluster(int partitions, boolean allLed) {
		List<PartitionInfo> infos = new ArrayList<>();
		for (int i = 0; i < partitions; i++) {
			Node leader = (allLed || i != 1) ? BROKER : null;
			infos.add(new PartitionInfo("orders", i, leader, new Node[] { BROKER }, new Node[] { BROKER }));
		}
		return new Cluster("cluster", List.of(BROKER), infos, Set.of(), Set.of());
	}

}
