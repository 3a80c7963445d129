package dev.lossless.kafka.producer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;
import org.jspecify.annotations.Nullable;

/**
 * Chooses a record's partition before the send, as the Kafka client would, so that the
 * record can be stamped with that partition's next sequence number and then sent to it
 * explicitly.
 * <ul>
 * <li>With a {@code partitioner.class}, that partitioner chooses (the key and value are
 * serialized once more to call it).</li>
 * <li>A record with a key goes to {@code murmur2(serialized key) % partitions}, the
 * client's own formula, unless {@code partitioner.ignore.keys} is set.</li>
 * <li>A record without a key sticks to one partition that has a leader for
 * {@value #STICKY_RECORDS} records, then moves to another one chosen at random, like the
 * client's sticky partitioning (which counts bytes, not records).</li>
 * </ul>
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
final class PartitionResolver {

	static final int STICKY_RECORDS = 100;

	private final Producer<?, ?> producer;

	private final ApplicationSerializers serializers;

	private final @Nullable Partitioner partitioner;

	private final boolean ignoreKeys;

	private final Map<String, Sticky> sticky = new ConcurrentHashMap<>();

	PartitionResolver(Producer<?, ?> producer, ApplicationSerializers serializers, @Nullable Partitioner partitioner,
			boolean ignoreKeys) {
		this.producer = producer;
		this.serializers = serializers;
		this.partitioner = partitioner;
		this.ignoreKeys = ignoreKeys;
	}

	static boolean ignoresKeys(Map<String, Object> configs) {
		Object value = configs.get(ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG);
		return value != null && Boolean.parseBoolean(value.toString());
	}

	int partition(ProducerRecord<?, ?> record) {
		Integer explicit = record.partition();
		if (explicit != null) {
			return explicit;
		}
		List<PartitionInfo> partitions = this.producer.partitionsFor(record.topic());
		if (this.partitioner != null) {
			return custom(this.partitioner, record, partitions);
		}
		if (record.key() != null && !this.ignoreKeys) {
			byte[] key = this.serializers.key()
				.serialize(record.topic(), new RecordHeaders(record.headers().toArray()), record.key());
			if (key != null) {
				return Utils.toPositive(Utils.murmur2(key)) % partitions.size();
			}
		}
		return this.sticky.computeIfAbsent(record.topic(), (topic) -> new Sticky()).next(partitions);
	}

	private int custom(Partitioner partitioner, ProducerRecord<?, ?> record, List<PartitionInfo> partitions) {
		RecordHeaders headers = new RecordHeaders(record.headers().toArray());
		byte[] key = (record.key() != null) ? this.serializers.key().serialize(record.topic(), headers, record.key())
				: null;
		byte[] value = (record.value() != null)
				? this.serializers.value().serialize(record.topic(), headers, record.value()) : null;
		int partition = partitioner.partition(record.topic(), record.key(), key, record.value(), value,
				cluster(partitions));
		if (partition < 0) {
			throw new IllegalArgumentException("The partitioner chose the invalid partition " + partition
					+ " for a record of topic '" + record.topic() + "'");
		}
		return partition;
	}

	private static Cluster cluster(List<PartitionInfo> partitions) {
		Map<Integer, Node> nodes = new LinkedHashMap<>();
		for (PartitionInfo partition : partitions) {
			for (Node replica : partition.replicas()) {
				nodes.put(replica.id(), replica);
			}
		}
		return new Cluster(null, new ArrayList<>(nodes.values()), partitions, Set.of(), Set.of());
	}

	private static final class Sticky {

		private int partition = -1;

		private int remaining;

		synchronized int next(List<PartitionInfo> partitions) {
			if (this.remaining <= 0 || this.partition >= partitions.size()) {
				this.partition = choose(partitions);
				this.remaining = STICKY_RECORDS;
			}
			this.remaining--;
			return this.partition;
		}

		private static int choose(List<PartitionInfo> partitions) {
			List<Integer> available = new ArrayList<>();
			for (PartitionInfo partition : partitions) {
				if (partition.leader() != null && !partition.leader().isEmpty()) {
					available.add(partition.partition());
				}
			}
			ThreadLocalRandom random = ThreadLocalRandom.current();
			return available.isEmpty() ? random.nextInt(partitions.size())
					: available.get(random.nextInt(available.size()));
		}

	}

}
