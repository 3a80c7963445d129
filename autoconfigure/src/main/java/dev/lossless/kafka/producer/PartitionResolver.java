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
import org.apache.kafka.clients.producer.RecordMetadata;
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
 * <li>A record without a key sticks to one partition that has a leader until about
 * {@code batch.size} bytes went to it, then moves to another one chosen at random, as the
 * client's built-in partitioner does (which also weighs the brokers' queues, and may
 * choose the same partition again). A record's bytes are not known before the client
 * serializes it: they are estimated from the serialized sizes of the topic's acknowledged
 * records, one in {@value #LEARNED_EVERY} (until the first of those,
 * {@value #FIRST_RUN_RECORDS} records make a run).</li>
 * </ul>
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
final class PartitionResolver {

	/**
	 * How many records a sticky run has before a record of the topic was acknowledged.
	 */
	static final int FIRST_RUN_RECORDS = 100;

	/**
	 * Bytes a record takes in a batch besides its key and value: its framing (length,
	 * attributes, timestamp and offset deltas, key and value lengths, header count: 9 to
	 * 10 bytes) and the sequence stamp (9 to 11 bytes), as the client writes a record
	 * well inside a batch from a producer past its first 256 records in the partition.
	 */
	static final int RECORD_OVERHEAD = 20;

	/**
	 * Of how many acknowledged records of a partition one teaches the record size.
	 */
	static final int LEARNED_EVERY = 16;

	private static final int DEFAULT_BATCH_SIZE = 16384;

	private final Producer<?, ?> producer;

	private final ApplicationSerializers serializers;

	private final @Nullable Partitioner partitioner;

	private final boolean ignoreKeys;

	private final int batchSize;

	private final Map<String, Sticky> sticky = new ConcurrentHashMap<>();

	PartitionResolver(Producer<?, ?> producer, ApplicationSerializers serializers, @Nullable Partitioner partitioner,
			boolean ignoreKeys, int batchSize) {
		this.producer = producer;
		this.serializers = serializers;
		this.partitioner = partitioner;
		this.ignoreKeys = ignoreKeys;
		this.batchSize = Math.max(1, batchSize);
	}

	static boolean ignoresKeys(Map<String, Object> configs) {
		Object value = configs.get(ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG);
		return value != null && Boolean.parseBoolean(value.toString());
	}

	static int batchSize(Map<String, Object> configs) {
		Object value = configs.get(ProducerConfig.BATCH_SIZE_CONFIG);
		return (value != null) ? Integer.parseInt(value.toString().trim()) : DEFAULT_BATCH_SIZE;
	}

	int partition(ProducerRecord<?, ?> record) {
		Integer explicit = record.partition();
		if (explicit != null) {
			return explicit;
		}
		if (this.partitioner != null) {
			return custom(this.partitioner, record, this.producer.partitionsFor(record.topic()));
		}
		if (record.key() != null && !this.ignoreKeys) {
			byte[] key = this.serializers.key()
				.serialize(record.topic(), new RecordHeaders(record.headers().toArray()), record.key());
			if (key != null) {
				return Utils.toPositive(Utils.murmur2(key)) % this.producer.partitionsFor(record.topic()).size();
			}
		}
		Sticky sticky = this.sticky.get(record.topic());
		if (sticky == null) {
			sticky = this.sticky.computeIfAbsent(record.topic(), (topic) -> new Sticky(this.batchSize));
		}
		return sticky.next(this.producer, record.topic());
	}

	/**
	 * Learn the size of a topic's records from an acknowledged one: from one record in
	 * {@value #LEARNED_EVERY} of a partition, by its offset. The sending thread reads the
	 * estimate for every record; the network thread, which acknowledges them, writing it
	 * for every record too would move its cache line between the two threads' cores on
	 * every record.
	 * @param topic the topic
	 * @param metadata what the client reported for the record
	 */
	void acknowledged(String topic, RecordMetadata metadata) {
		if (metadata.hasOffset() && metadata.offset() % LEARNED_EVERY != 0) {
			return;
		}
		Sticky sticky = this.sticky.get(topic);
		if (sticky != null) {
			sticky.learn(Math.max(0, metadata.serializedKeySize()) + Math.max(0, metadata.serializedValueSize())
					+ RECORD_OVERHEAD);
		}
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

	/**
	 * The sticky partition of one topic's records without a key. The topic's partitions
	 * are read (and its metadata waited for, as the client does) only when a run starts.
	 */
	private static final class Sticky {

		private final int batchSize;

		/**
		 * Estimated bytes of one record in a batch: written by the producer's network
		 * thread only.
		 */
		private volatile int recordBytes;

		private int partition = -1;

		private int produced;

		Sticky(int batchSize) {
			this.batchSize = batchSize;
			// rounded up: the run ends after FIRST_RUN_RECORDS records
			this.recordBytes = Math.max(1, (batchSize + FIRST_RUN_RECORDS - 1) / FIRST_RUN_RECORDS);
		}

		synchronized int next(Producer<?, ?> producer, String topic) {
			if (this.partition < 0 || this.produced >= this.batchSize) {
				// a failure to read the partitions (no metadata within max.block.ms)
				// fails
				// the send, and the next one tries again
				this.partition = choose(producer.partitionsFor(topic));
				this.produced = 0;
			}
			this.produced += this.recordBytes;
			return this.partition;
		}

		void learn(int bytes) {
			// a moving average over about the last 8 records, which reaches a steady size
			int estimate = this.recordBytes;
			int step = (bytes - estimate) / 8;
			this.recordBytes = Math.max(1, estimate + ((step != 0) ? step : Integer.signum(bytes - estimate)));
		}

		/**
		 * Choose a partition with a leader other than the current one, at random, or any
		 * partition when none has a leader.
		 */
		private int choose(List<PartitionInfo> partitions) {
			List<Integer> available = new ArrayList<>(partitions.size());
			for (PartitionInfo partition : partitions) {
				if (partition.leader() != null && !partition.leader().isEmpty()
						&& partition.partition() != this.partition) {
					available.add(partition.partition());
				}
			}
			if (available.isEmpty() && this.partition >= 0 && this.partition < partitions.size()) {
				return this.partition;
			}
			ThreadLocalRandom random = ThreadLocalRandom.current();
			return available.isEmpty() ? random.nextInt(partitions.size())
					: available.get(random.nextInt(available.size()));
		}

	}

}
