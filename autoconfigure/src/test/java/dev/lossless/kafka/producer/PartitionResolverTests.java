package dev.lossless.kafka.producer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.DefaultKafkaProducerFactory;

import static org.assertj.core.api.Assertions.assertThat;

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
		// 16 records of 1000 bytes and their framing fill a batch of 16384 bytes
		List<Integer> runs = runs(resolve(400));
		assertThat(runs.subList(1, runs.size() - 1)).containsOnly(16);
		learn(100);
		runs = runs(resolve(1000));
		assertThat(runs.subList(1, runs.size() - 1)).containsOnly(BATCH_SIZE / (100 + PartitionResolver.RECORD_OVERHEAD)
				+ ((BATCH_SIZE % (100 + PartitionResolver.RECORD_OVERHEAD) != 0) ? 1 : 0));
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
			this.resolver.acknowledged("orders",
					new RecordMetadata(new TopicPartition("orders", 0), i, 0, 0, -1, valueSize));
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
