package dev.lossless.kafka.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import dev.lossless.kafka.support.LosslessHeaders;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.util.Assert;

/**
 * Republishes dead letters to their original topic ({@code kafka_dlt-original-topic})
 * with their key, value and headers, without spring-kafka's {@code kafka_dlt-*} headers,
 * plus {@link DeadLetterHeaders#REDRIVEN_FROM} and
 * {@link DeadLetterHeaders#REDRIVE_COUNT}, and a message id ({@code lossless-message-id},
 * {@code redrive:<topic>-<partition>@<offset>}) when the record has none, so that the
 * idempotent consumer processes a record republished twice once.
 * <p>
 * Progress is kept in a consumer group on the dead-letter topic
 * ({@code <prefix><dead-letter topic>}), committed after each round only once every
 * republished record of the round is acknowledged: a finished redrive is not repeated,
 * and one that stops half-way republishes each record at least once (a record
 * acknowledged just before a crash is republished again, with the same message id). A
 * redrive reads up to the end offsets it found when it started, so records dead-lettered
 * again meanwhile wait for the next redrive.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class DeadLetterRedriver {

	/**
	 * The prefix of the redrive groups' ids.
	 */
	public static final String GROUP_PREFIX = "lossless-redrive-";

	private static final Log logger = LogFactory.getLog(DeadLetterRedriver.class);

	private final DeadLetterConsumers consumers;

	private final KafkaTemplate<byte[], byte[]> template;

	private final Duration acknowledgementTimeout;

	private final int maxRedrives;

	private final int batchSize;

	private final Map<String, ReentrantLock> running = new ConcurrentHashMap<>();

	/**
	 * Create an instance.
	 * @param consumers creates the consumers that read the dead-letter topics
	 * @param template the template that republishes, on a producer with the application's
	 * hardened settings and byte array serializers
	 * @param acknowledgementTimeout how long to wait for a round's acknowledgements
	 * @param maxRedrives the redrive count from which a dead letter is parked
	 * @param batchSize most records republished in one round
	 */
	public DeadLetterRedriver(DeadLetterConsumers consumers, KafkaTemplate<byte[], byte[]> template,
			Duration acknowledgementTimeout, int maxRedrives, int batchSize) {
		Assert.isTrue(batchSize > 0, "'batchSize' must be positive");
		this.consumers = consumers;
		this.template = template;
		this.acknowledgementTimeout = acknowledgementTimeout;
		this.maxRedrives = maxRedrives;
		this.batchSize = batchSize;
	}

	/**
	 * Redrive the dead letters of the given topic that the filter matches.
	 * @param topic the dead-letter topic
	 * @param filter which dead letters to republish
	 * @return the outcome
	 * @throws IllegalStateException when a redrive of that topic is running
	 * @throws IllegalArgumentException when the topic does not exist
	 */
	public RedriveResult redrive(String topic, RedriveFilter filter) {
		ReentrantLock lock = this.running.computeIfAbsent(topic, (name) -> new ReentrantLock());
		if (!lock.tryLock()) {
			throw new IllegalStateException("A redrive of '" + topic + "' is running in this application");
		}
		try (Consumer<byte[], byte[]> consumer = this.consumers.create("lossless-redrive", GROUP_PREFIX + topic,
				this.batchSize)) {
			return new Run(topic, filter, consumer).execute();
		}
		finally {
			lock.unlock();
		}
	}

	private final class Run {

		private final String topic;

		private final RedriveFilter filter;

		private final Consumer<byte[], byte[]> consumer;

		private final Map<TopicPartition, RedriveProgress> progress = new HashMap<>();

		private long republished;

		private long skipped;

		private long parked;

		private long alreadyRedriven;

		private final Set<ConsumerRecord<byte[], byte[]>> done = Collections.newSetFromMap(new IdentityHashMap<>());

		Run(String topic, RedriveFilter filter, Consumer<byte[], byte[]> consumer) {
			this.topic = topic;
			this.filter = filter;
			this.consumer = consumer;
		}

		RedriveResult execute() {
			long timeoutNanos = DeadLetterRedriver.this.consumers.timeout().toNanos();
			List<TopicPartition> partitions = DeadLetterInspector.partitions(this.consumer, this.topic,
					System.nanoTime() + timeoutNanos);
			if (partitions.isEmpty()) {
				throw new IllegalArgumentException("Dead-letter topic '" + this.topic + "' does not exist");
			}
			Duration timeout = DeadLetterRedriver.this.consumers.timeout();
			Map<TopicPartition, Long> ends = this.consumer.endOffsets(partitions, timeout);
			Map<TopicPartition, Long> beginnings = this.consumer.beginningOffsets(partitions, timeout);
			Map<TopicPartition, OffsetAndMetadata> committed = this.consumer.committed(new HashSet<>(partitions),
					timeout);
			this.consumer.assign(partitions);
			for (TopicPartition partition : partitions) {
				RedriveProgress start = RedriveProgress.of(committed.get(partition), beginnings.get(partition));
				this.progress.put(partition, start);
				this.consumer.seek(partition, start.start());
			}
			String error = null;
			try {
				long lastProgress = System.nanoTime();
				while (!reachedEnd(ends)) {
					List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
					this.consumer.poll(Duration.ofMillis(500)).forEach((record) -> {
						if (record.offset() < ends.get(partition(record))) {
							records.add(record);
						}
					});
					if (!records.isEmpty()) {
						lastProgress = System.nanoTime();
						error = round(records);
						commit();
						if (error != null) {
							break;
						}
					}
					else if (System.nanoTime() - lastProgress > timeoutNanos) {
						error = "no records from the brokers within " + timeout.toMillis() + " ms";
						break;
					}
				}
				if (error == null) {
					ends.forEach((partition, end) -> this.progress.get(partition).reached(end));
					commit();
				}
			}
			catch (KafkaException ex) {
				error = ex.toString();
			}
			if (error != null) {
				logger.warn("Redrive of '" + this.topic + "' (" + this.filter + ") stopped: " + error);
			}
			Map<Integer, Long> offsets = new TreeMap<>();
			this.progress.forEach((partition, state) -> offsets.put(partition.partition(), state.start()));
			logger.info("Redrive of '" + this.topic + "' (" + this.filter + "): " + this.republished + " republished, "
					+ this.skipped + " skipped, " + this.parked + " parked, " + this.alreadyRedriven
					+ " redriven before");
			return new RedriveResult(this.topic, this.filter.toString(), this.republished, this.skipped, this.parked,
					this.alreadyRedriven, offsets, error);
		}

		private @Nullable String round(List<ConsumerRecord<byte[], byte[]>> records) {
			List<@Nullable CompletableFuture<?>> sends = new ArrayList<>();
			for (ConsumerRecord<byte[], byte[]> record : records) {
				sends.add(dispatch(record));
			}
			String error = null;
			for (int i = 0; i < records.size(); i++) {
				ConsumerRecord<byte[], byte[]> record = records.get(i);
				RedriveProgress state = this.progress.get(partition(record));
				CompletableFuture<?> send = sends.get(i);
				String failure = (send != null) ? await(send) : null;
				if (send != null && failure != null) {
					error = (error != null) ? error : "republishing " + coordinates(record) + " failed: " + failure;
					state.skipped(record.offset());
				}
				else if (send != null || this.done.contains(record)) {
					this.republished += (send != null) ? 1 : 0;
					state.done(record.offset());
				}
				else {
					state.skipped(record.offset());
				}
			}
			this.done.clear();
			return error;
		}

		private @Nullable CompletableFuture<?> dispatch(ConsumerRecord<byte[], byte[]> record) {
			String originalTopic = DeadLetterHeaders.text(record, KafkaHeaders.DLT_ORIGINAL_TOPIC);
			if (this.progress.get(partition(record)).redriven(record.offset())) {
				this.alreadyRedriven++;
				this.done.add(record);
			}
			else if (originalTopic == null || !this.filter.matches(record)) {
				this.skipped++;
			}
			else if (DeadLetterHeaders.redriveCount(record) >= DeadLetterRedriver.this.maxRedrives) {
				this.parked++;
				this.done.add(record);
				logger.warn("Dead letter " + coordinates(record) + " was redriven "
						+ DeadLetterHeaders.redriveCount(record) + " times; parked in the dead-letter topic");
			}
			else {
				return DeadLetterRedriver.this.template.send(republished(record, originalTopic));
			}
			return null;
		}

		private @Nullable String await(CompletableFuture<?> send) {
			try {
				send.get(DeadLetterRedriver.this.acknowledgementTimeout.toMillis(), TimeUnit.MILLISECONDS);
				return null;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return "interrupted";
			}
			catch (ExecutionException ex) {
				return String.valueOf(ex.getCause());
			}
			catch (TimeoutException ex) {
				return "no acknowledgement within " + DeadLetterRedriver.this.acknowledgementTimeout.toMillis() + " ms";
			}
		}

		private void commit() {
			Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
			this.progress.forEach((partition, state) -> offsets.put(partition, state.toCommit()));
			this.consumer.commitSync(offsets, DeadLetterRedriver.this.consumers.timeout());
		}

		private boolean reachedEnd(Map<TopicPartition, Long> ends) {
			for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
				if (this.consumer.position(end.getKey(), DeadLetterRedriver.this.consumers.timeout()) < end
					.getValue()) {
					return false;
				}
			}
			return true;
		}

		private ProducerRecord<byte[], byte[]> republished(ConsumerRecord<byte[], byte[]> record,
				String originalTopic) {
			RecordHeaders headers = new RecordHeaders();
			for (Header header : record.headers()) {
				String name = header.key();
				if (!name.startsWith(DeadLetterHeaders.SPRING_DLT_PREFIX) && !name.equals(LosslessHeaders.SEQUENCE)
						&& !name.equals(LosslessHeaders.LEGACY_SEQUENCE)
						&& !name.equals(DeadLetterHeaders.REDRIVEN_FROM)
						&& !name.equals(DeadLetterHeaders.REDRIVE_COUNT)) {
					headers.add(header);
				}
			}
			String from = coordinates(record);
			if (headers.lastHeader(LosslessHeaders.MESSAGE_ID) == null) {
				headers.add(LosslessHeaders.MESSAGE_ID, ("redrive:" + from).getBytes(StandardCharsets.UTF_8));
			}
			headers.add(DeadLetterHeaders.REDRIVEN_FROM, from.getBytes(StandardCharsets.UTF_8));
			headers.add(DeadLetterHeaders.REDRIVE_COUNT,
					Integer.toString(DeadLetterHeaders.redriveCount(record) + 1).getBytes(StandardCharsets.UTF_8));
			return new ProducerRecord<>(originalTopic, null, record.key(), record.value(), headers);
		}

		private static String coordinates(ConsumerRecord<?, ?> record) {
			return record.topic() + "-" + record.partition() + "@" + record.offset();
		}

		private static TopicPartition partition(ConsumerRecord<?, ?> record) {
			return new TopicPartition(record.topic(), record.partition());
		}

	}

}
