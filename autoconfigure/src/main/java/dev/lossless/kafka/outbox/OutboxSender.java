package dev.lossless.kafka.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import dev.lossless.kafka.outbox.OutboxMonitor.Failure;
import dev.lossless.kafka.producer.StampKeepingRecord;
import dev.lossless.kafka.sequence.SequenceStamp;
import dev.lossless.kafka.worker.Acknowledgements;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.ProducerFactory;
import org.springframework.util.Assert;

/**
 * Sends the rows of one round and waits for their acknowledgements: a failed send stops
 * the rest of its lane, a send that fails for want of metadata stops the rest of its
 * topic, and every failure is counted on its row, with the sequence stamp of an attempt
 * the producer took.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class OutboxSender {

	private static final Log logger = LogFactory.getLog(OutboxSender.class);

	private final OutboxStore store;

	private final ProducerFactory<byte[], byte[]> producerFactory;

	private final OutboxBacklogMonitor monitor;

	private final Duration acknowledgementTimeout;

	private final BooleanSupplier active;

	/**
	 * Create an instance.
	 * @param store the outbox table, where failures are counted
	 * @param producerFactory the relay's producer factory
	 * @param monitor where failures are recorded
	 * @param acknowledgementTimeout how long a round waits for its acknowledgements
	 * @param active whether the relay goes on: once false, nothing more is sent or
	 * awaited
	 */
	OutboxSender(OutboxStore store, ProducerFactory<byte[], byte[]> producerFactory, OutboxBacklogMonitor monitor,
			Duration acknowledgementTimeout, BooleanSupplier active) {
		Assert.notNull(store, "'store' cannot be null");
		Assert.notNull(producerFactory, "'producerFactory' cannot be null");
		Assert.notNull(monitor, "'monitor' cannot be null");
		Assert.notNull(acknowledgementTimeout, "'acknowledgementTimeout' cannot be null");
		Assert.notNull(active, "'active' cannot be null");
		this.store = store;
		this.producerFactory = producerFactory;
		this.monitor = monitor;
		this.acknowledgementTimeout = acknowledgementTimeout;
		this.active = active;
	}

	/**
	 * Send rows in their order and wait for the acknowledgements.
	 * @param rows the rows, in the order to send them
	 * @return the acknowledged rows and the last failure
	 */
	Sent send(List<OutboxRow> rows) {
		Producer<byte[], byte[]> producer = this.producerFactory.createProducer();
		Set<Integer> failedLanes = ConcurrentHashMap.newKeySet();
		Set<String> unreachableTopics = new HashSet<>();
		List<@Nullable Future<RecordMetadata>> futures = new ArrayList<>(rows.size());
		List<@Nullable StampKeepingRecord<byte[], byte[]>> records = new ArrayList<>(rows.size());
		for (OutboxRow row : rows) {
			if (!this.active.getAsBoolean() || failedLanes.contains(row.lane())
					|| unreachableTopics.contains(row.topic())) {
				futures.add(null);
				records.add(null);
				continue;
			}
			StampKeepingRecord<byte[], byte[]> record = decode(row);
			if (record == null) {
				failedLanes.add(row.lane());
				futures.add(null);
				records.add(null);
				continue;
			}
			Future<RecordMetadata> future;
			try {
				future = producer.send(record, (metadata, exception) -> {
					if (exception != null) {
						failedLanes.add(row.lane());
					}
				});
			}
			catch (RuntimeException ex) {
				future = CompletableFuture.failedFuture(ex);
			}
			futures.add(future);
			Throwable immediate = Acknowledgements.failureIfDone(future);
			// a send that failed at once gave its number back: the record is never
			// written with it
			records.add((immediate != null) ? null : record);
			if (immediate != null) {
				// this row holds up its lane; a record Kafka refuses (too large, not
				// authorized) holds up nothing else, but a topic without metadata within
				// max.block.ms would make every send to it wait as long again
				failedLanes.add(row.lane());
				if (immediate instanceof org.apache.kafka.common.errors.TimeoutException) {
					unreachableTopics.add(row.topic());
				}
			}
		}
		return awaitAcknowledgements(rows, futures, records);
	}

	private Sent awaitAcknowledgements(List<OutboxRow> rows, List<@Nullable Future<RecordMetadata>> futures,
			List<@Nullable StampKeepingRecord<byte[], byte[]>> records) {
		long deadline = System.nanoTime() + this.acknowledgementTimeout.toNanos();
		List<Long> acknowledged = new ArrayList<>();
		Failure failure = null;
		boolean resetProducer = false;
		for (int i = 0; i < rows.size(); i++) {
			Future<RecordMetadata> future = futures.get(i);
			if (future == null) {
				continue;
			}
			OutboxRow row = rows.get(i);
			Throwable error = Acknowledgements.await(future, deadline, this.acknowledgementTimeout, this.active);
			if (error == null) {
				acknowledged.add(row.id());
			}
			else if (!Acknowledgements.isStopped(error)) {
				failure = failed(row.id(), row.topic(), error);
				StampKeepingRecord<byte[], byte[]> record = records.get(i);
				// the first stamped attempt's stamp is kept for every later one
				SequenceStamp stamp = (record != null && row.stamp() == null) ? record.stamp() : null;
				this.store.recordFailure(row.id(), error.toString(), (stamp != null) ? record.stampPartition() : null,
						stamp);
				resetProducer |= !(error instanceof RetriableException);
			}
		}
		if (resetProducer) {
			// a fatal error or no acknowledgement in time: start again with a new
			// producer
			this.producerFactory.reset();
		}
		return new Sent(acknowledged, failure);
	}

	/**
	 * Decode a row, or record why it cannot be: a row that can never be sent holds up its
	 * lane (rows of a key are never sent past an earlier one) but not the relay, and is
	 * not a failed round (no back-off for the other lanes).
	 */
	private @Nullable StampKeepingRecord<byte[], byte[]> decode(OutboxRow row) {
		try {
			return row.toProducerRecord();
		}
		catch (IllegalArgumentException ex) {
			if (row.attempts() == 0) {
				logger.error("Outbox row " + row.id() + " (topic '" + row.topic() + "', message id " + row.messageId()
						+ ") cannot be published and holds up its lane until it is repaired or deleted: "
						+ ex.getMessage());
			}
			failed(row.id(), row.topic(), ex);
			this.store.recordFailure(row.id(), ex.toString());
			return null;
		}
	}

	private Failure failed(long rowId, String topic, Throwable error) {
		logger.debug("Outbox relay failure", error);
		return this.monitor.failed(rowId, topic, error);
	}

	/**
	 * What a round's sends came to.
	 *
	 * @param acknowledged the ids of the acknowledged rows
	 * @param failure the last failure, or {@code null}
	 */
	record Sent(List<Long> acknowledged, @Nullable Failure failure) {

	}

}
