package dev.lossless.kafka.deadletter;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.support.KafkaHeaders;

/**
 * Reads what dead-letter topics hold. {@link #offsets(Collection)} asks only for the log
 * start and end offsets (cheap, for the health and meters); {@link #inspect(String)}
 * reads the records too, up to a scan limit, to count them by exception class and list a
 * page of them. Every broker call, and each whole inspection, is bounded by the timeout.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class DeadLetterInspector {

	private final DeadLetterConsumers consumers;

	private final int pageSize;

	private final int scanLimit;

	private final boolean showValues;

	private final int maxRedrives;

	/**
	 * Create an instance.
	 * @param consumers creates the consumers that read the topics
	 * @param pageSize how many entries an inspection lists per topic
	 * @param scanLimit how many records an inspection reads per topic at most
	 * @param showValues whether entries show record values
	 * @param maxRedrives the redrive count from which a dead letter is parked
	 */
	public DeadLetterInspector(DeadLetterConsumers consumers, int pageSize, int scanLimit, boolean showValues,
			int maxRedrives) {
		this.consumers = consumers;
		this.pageSize = pageSize;
		this.scanLimit = scanLimit;
		this.showValues = showValues;
		this.maxRedrives = maxRedrives;
	}

	/**
	 * Return the offsets each existing topic holds (log end minus log start: an upper
	 * bound of its records, transaction markers take offsets too), within one timeout.
	 * @param topics the dead-letter topics
	 * @return the offsets held by topic; a topic that does not exist is left out
	 * @throws KafkaException when the brokers do not answer in time
	 */
	public Map<String, Long> offsets(Collection<String> topics) {
		Map<String, Long> held = new LinkedHashMap<>();
		long deadline = System.nanoTime() + this.consumers.timeout().toNanos();
		try (Consumer<byte[], byte[]> consumer = this.consumers.create("lossless-dlt-offsets", null, 1)) {
			for (String topic : topics) {
				List<TopicPartition> partitions = partitions(consumer, topic, deadline);
				if (!partitions.isEmpty()) {
					held.put(topic, offsets(consumer, partitions, deadline));
				}
			}
		}
		return held;
	}

	/**
	 * Read a dead-letter topic: the offsets it holds and, up to the scan limit and within
	 * the timeout, its records counted by exception class, the oldest and newest, and the
	 * first page of entries.
	 * @param topic the dead-letter topic
	 * @return the report; its {@code error} says why the brokers could not be read
	 */
	public DeadLetterTopicReport inspect(String topic) {
		long deadline = System.nanoTime() + this.consumers.timeout().toNanos();
		try (Consumer<byte[], byte[]> consumer = this.consumers.create("lossless-dlt-inspector", null, 500)) {
			List<TopicPartition> partitions = partitions(consumer, topic, deadline);
			if (partitions.isEmpty()) {
				return new DeadLetterTopicReport(topic, false, 0, 0, true, Map.of(), 0, null, null, List.of(), null);
			}
			Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, remaining(deadline));
			long offsets = offsets(consumer, partitions, deadline);
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Scan scan = new Scan();
			boolean complete = reachedEnd(consumer, ends, deadline);
			while (!complete && scan.records < this.scanLimit && System.nanoTime() < deadline) {
				for (ConsumerRecord<byte[], byte[]> record : consumer
					.poll(Duration.ofMillis(Math.min(200, remaining(deadline).toMillis())))) {
					if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))
							&& scan.records < this.scanLimit) {
						scan.add(record);
					}
				}
				complete = reachedEnd(consumer, ends, deadline);
			}
			return new DeadLetterTopicReport(topic, true, offsets, scan.records, complete, scan.byException,
					scan.parked, scan.oldest, scan.newest, scan.entries, null);
		}
		catch (KafkaException ex) {
			return DeadLetterTopicReport.failed(topic, ex.toString());
		}
	}

	private boolean reachedEnd(Consumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends, long deadline) {
		for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
			if (consumer.position(end.getKey(), remaining(deadline)) < end.getValue()) {
				return false;
			}
		}
		return true;
	}

	static List<TopicPartition> partitions(Consumer<byte[], byte[]> consumer, String topic, long deadline) {
		List<PartitionInfo> infos = consumer.partitionsFor(topic, remaining(deadline));
		List<TopicPartition> partitions = new ArrayList<>();
		if (infos != null) {
			infos.forEach((info) -> partitions.add(new TopicPartition(topic, info.partition())));
		}
		return partitions;
	}

	private static long offsets(Consumer<byte[], byte[]> consumer, List<TopicPartition> partitions, long deadline) {
		Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions, remaining(deadline));
		Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, remaining(deadline));
		return partitions.stream().mapToLong((partition) -> ends.get(partition) - beginnings.get(partition)).sum();
	}

	static Duration remaining(long deadline) {
		return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
	}

	static @Nullable String display(byte @Nullable [] bytes) {
		if (bytes == null) {
			return null;
		}
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
		}
		catch (CharacterCodingException ex) {
			return "base64:" + Base64.getEncoder().encodeToString(bytes);
		}
	}

	private final class Scan {

		private long records;

		private long parked;

		private final Map<String, Long> byException = new TreeMap<>();

		private @Nullable Instant oldest;

		private @Nullable Instant newest;

		private final List<DeadLetterEntry> entries = new ArrayList<>();

		void add(ConsumerRecord<byte[], byte[]> record) {
			this.records++;
			String exception = DeadLetterHeaders.exceptionClass(record);
			this.byException.merge((exception != null) ? exception : "unknown", 1L, Long::sum);
			int redrives = DeadLetterHeaders.redriveCount(record);
			if (redrives >= DeadLetterInspector.this.maxRedrives) {
				this.parked++;
			}
			Instant time = Instant.ofEpochMilli(record.timestamp());
			this.oldest = (this.oldest == null || time.isBefore(this.oldest)) ? time : this.oldest;
			this.newest = (this.newest == null || time.isAfter(this.newest)) ? time : this.newest;
			if (this.entries.size() < DeadLetterInspector.this.pageSize) {
				this.entries.add(entry(record, exception, redrives));
			}
		}

		private DeadLetterEntry entry(ConsumerRecord<byte[], byte[]> record, @Nullable String exception, int redrives) {
			String message = DeadLetterHeaders.text(record, KafkaHeaders.DLT_EXCEPTION_MESSAGE);
			if (message == null) {
				message = DeadLetterHeaders.text(record, KafkaHeaders.DLT_KEY_EXCEPTION_MESSAGE);
			}
			return new DeadLetterEntry(record.partition(), record.offset(),
					DeadLetterHeaders.text(record, KafkaHeaders.DLT_ORIGINAL_TOPIC),
					DeadLetterHeaders.intValue(record, KafkaHeaders.DLT_ORIGINAL_PARTITION),
					DeadLetterHeaders.longValue(record, KafkaHeaders.DLT_ORIGINAL_OFFSET), display(record.key()),
					exception, message, Instant.ofEpochMilli(record.timestamp()),
					DeadLetterHeaders.deliveryAttempts(record), redrives,
					DeadLetterInspector.this.showValues ? display(record.value()) : null);
		}

	}

}
