package dev.lossless.kafka.producer;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Predicate;

import dev.lossless.kafka.sequence.ProducerSequences;
import dev.lossless.kafka.sequence.SequenceStamp;
import dev.lossless.kafka.support.ForwardingProducer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * A Kafka producer that stamps each record with its partition's next sequence number and
 * hands records that failed for good to a fallback. Everything else is delegated.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @author Lossless Kafka team
 * @since 0.1.0
 */
final class LosslessProducer<K, V> extends ForwardingProducer<K, V> {

	private static final Log logger = LogFactory.getLog(LosslessProducer.class);

	private static final Predicate<Throwable> GIVES_BACK_NUMBER = (
			failure) -> !(failure instanceof SendJournaledException);

	private final @Nullable ProducerSequences sequences;

	private final PartitionResolver partitions;

	private final @Nullable Partitioner partitioner;

	private volatile @Nullable SendFallback fallback;

	private volatile boolean closing;

	private volatile boolean unresolvedLogged;

	/**
	 * A send of the current transaction that failed before the client saw it: the client
	 * cannot know, so this producer refuses the commit as the client does for its own
	 * failed sends.
	 */
	private volatile @Nullable Exception failedInTransaction;

	private volatile boolean inTransaction;

	private final @Nullable ResentStamps resentStamps;

	LosslessProducer(Producer<K, V> delegate, @Nullable ProducerSequences sequences, PartitionResolver partitions,
			@Nullable Partitioner partitioner, @Nullable SendFallback fallback) {
		this(delegate, sequences, partitions, partitioner, fallback, null);
	}

	LosslessProducer(Producer<K, V> delegate, @Nullable ProducerSequences sequences, PartitionResolver partitions,
			@Nullable Partitioner partitioner, @Nullable SendFallback fallback, @Nullable ResentStamps resentStamps) {
		super(delegate);
		this.sequences = sequences;
		this.partitions = partitions;
		this.partitioner = partitioner;
		this.fallback = fallback;
		this.resentStamps = resentStamps;
	}

	@Override
	public Future<RecordMetadata> send(ProducerRecord<K, V> record) {
		return send(record, null);
	}

	@Override
	public Future<RecordMetadata> send(ProducerRecord<K, V> record, @Nullable Callback callback) {
		ProducerSequences sequences = this.sequences;
		if (sequences == null) {
			return (this.fallback != null) ? new ObservedSend(callback).send(record)
					: this.delegate.send(record, callback);
		}
		if (record instanceof StampKeepingRecord && record.partition() != null
				&& SequenceStamp.from(record.headers()) != null) {
			// the same message sent again: it keeps the number of its first attempt
			return new ObservedSend(callback).send(record);
		}
		int partition;
		try {
			partition = this.partitions.partition(record);
		}
		catch (ApiException ex) {
			// as the client does when it cannot choose a partition: fail the send
			if (this.inTransaction) {
				this.failedInTransaction = ex;
			}
			Exception reported = failed(record, ex);
			if (callback != null) {
				callback.onCompletion(null, reported);
			}
			return CompletableFuture.failedFuture(reported);
		}
		catch (RuntimeException ex) {
			// for example a KafkaTemplate whose configuration overrides the factory's key
			// serializer: let the client choose, without a stamp
			if (!this.unresolvedLogged) {
				this.unresolvedLogged = true;
				logger.warn("Cannot choose the partition of a record for topic '" + record.topic()
						+ "' before the send; such records are sent without a sequence stamp", ex);
			}
			return new ObservedSend(callback).send(record);
		}
		ResentStamps resentStamps = this.resentStamps;
		Object message = (resentStamps != null && !this.inTransaction) ? resentStamps.messageOf(record) : null;
		if (resentStamps != null && message != null) {
			// a message sent again keeps the stamp of its failed first attempt
			StampedSend send = new StampedSend(record, partition, callback, message);
			SequenceStamp earlier = resentStamps.stampOf(message, record.topic(), partition);
			return (earlier != null) ? send.sendAgain(earlier)
					: sequences.stampAndSend(record.topic(), partition, send, send::givesBackNumber);
		}
		// a record the fallback took is still written later, with its number
		return sequences.stampAndSend(record.topic(), partition, new StampedSend(record, partition, callback, null),
				GIVES_BACK_NUMBER);
	}

	private Exception failed(ProducerRecord<?, ?> record, Exception exception) {
		SendFallback fallback = this.fallback;
		// a producer closed before its records were sent fails them all ("closed
		// forcefully"): they were never written
		boolean takes = fallback != null && (fallback.takes(exception) || this.closing);
		return takes ? fallback.takeOver(record, exception) : exception;
	}

	@Override
	public void initTransactions() {
		// a transaction's records must not be written outside it later
		this.fallback = null;
		this.delegate.initTransactions();
	}

	@Override
	public void beginTransaction() {
		this.delegate.beginTransaction();
		this.failedInTransaction = null;
		this.inTransaction = true;
		if (this.sequences != null) {
			this.sequences.beginTransaction();
		}
	}

	@Override
	public void commitTransaction() {
		Exception failed = this.failedInTransaction;
		if (failed != null) {
			// the client throws for its own failed sends too; the caller aborts
			throw new KafkaException("Cannot commit the transaction: one of its sends failed before it reached the "
					+ "Kafka client (" + failed + "); abort it", failed);
		}
		this.delegate.commitTransaction();
		this.inTransaction = false;
		if (this.sequences != null) {
			this.sequences.commitTransaction();
		}
	}

	@Override
	public void abortTransaction() {
		try {
			this.delegate.abortTransaction();
		}
		finally {
			this.inTransaction = false;
			this.failedInTransaction = null;
			if (this.sequences != null) {
				this.sequences.abortTransaction();
			}
		}
	}

	@Override
	public void close() {
		this.closing = true;
		try {
			this.delegate.close();
		}
		finally {
			closePartitioner();
		}
	}

	@Override
	public void close(Duration timeout) {
		this.closing = true;
		try {
			this.delegate.close(timeout);
		}
		finally {
			closePartitioner();
		}
	}

	private void closePartitioner() {
		if (this.partitioner != null) {
			this.partitioner.close();
		}
	}

	@Override
	public String toString() {
		return "LosslessProducer[" + this.delegate + "]";
	}

	/**
	 * One send, and the callback the client calls for it: the failure goes through the
	 * fallback, an acknowledged record's size teaches the partition resolver. The client
	 * fails some sends at once, calling back before it returns an already failed future:
	 * that future then fails with what the callback reported, so that a caller who looks
	 * at the future (as {@code KafkaTemplate} does) hears the same as the callback.
	 */
	private class ObservedSend implements Callback {

		private final @Nullable Callback callback;

		/**
		 * The record handed to the client: set before the client sees it, read by the
		 * callback after.
		 */
		private @Nullable ProducerRecord<K, V> sent;

		private volatile @Nullable Exception reported;

		ObservedSend(@Nullable Callback callback) {
			this.callback = callback;
		}

		Future<RecordMetadata> send(ProducerRecord<K, V> record) {
			this.sent = record;
			Future<RecordMetadata> future = LosslessProducer.this.delegate.send(record, this);
			// the client completes the future after the callback: once it is done, the
			// callback has run
			if (future.isDone()) {
				Exception failure = this.reported;
				if (failure != null) {
					return CompletableFuture.failedFuture(failure);
				}
			}
			return future;
		}

		@Override
		public void onCompletion(@Nullable RecordMetadata metadata, @Nullable Exception exception) {
			Exception failure = null;
			ProducerRecord<K, V> sent = this.sent;
			if (exception != null) {
				failure = (sent != null) ? failed(sent, exception) : exception;
				this.reported = failure;
			}
			else if (metadata != null) {
				// the metadata's topic: the sent record, allocated long before on another
				// thread, would be one more object to load per acknowledgement
				LosslessProducer.this.partitions.acknowledged(metadata.topic(), metadata);
			}
			if (this.callback != null) {
				this.callback.onCompletion(metadata, failure);
			}
		}

	}

	/**
	 * A send stamped with its partition's next sequence number: the record goes to the
	 * partition chosen for it, with the application's headers (an earlier stamp left out)
	 * and the stamp.
	 */
	private final class StampedSend extends ObservedSend
			implements ProducerSequences.StampedSend<Future<RecordMetadata>> {

		private final ProducerRecord<K, V> record;

		private final int partition;

		/**
		 * The message that is sent again with the same stamp if this send fails, or
		 * {@code null}.
		 */
		private final @Nullable Object message;

		private volatile @Nullable SequenceStamp stamp;

		private volatile boolean again;

		StampedSend(ProducerRecord<K, V> record, int partition, @Nullable Callback callback, @Nullable Object message) {
			super(callback);
			this.record = record;
			this.partition = partition;
			this.message = message;
		}

		@Override
		public void onCompletion(@Nullable RecordMetadata metadata, @Nullable Exception exception) {
			ResentStamps resentStamps = LosslessProducer.this.resentStamps;
			SequenceStamp stamp = this.stamp;
			if (this.message != null && resentStamps != null && stamp != null) {
				if (exception != null) {
					resentStamps.failed(this.message, this.record.topic(), this.partition, stamp);
				}
				else {
					resentStamps.sent(this.message);
				}
			}
			super.onCompletion(metadata, exception);
		}

		boolean givesBackNumber(Throwable failure) {
			boolean givesBack = GIVES_BACK_NUMBER.test(failure);
			ResentStamps resentStamps = LosslessProducer.this.resentStamps;
			SequenceStamp stamp = this.stamp;
			if (givesBack && this.message != null && resentStamps != null && stamp != null) {
				resentStamps.givenBack(this.message, this.record.topic(), this.partition, stamp);
			}
			return givesBack;
		}

		/**
		 * Send the message again with the stamp of its earlier attempt, marked as the
		 * journal's replays are: an older number than its producer's last, it must not
		 * start a sequence window.
		 */
		Future<RecordMetadata> sendAgain(SequenceStamp earlier) {
			this.again = true;
			return send(earlier.producerId(), earlier.sequence());
		}

		@Override
		public Future<RecordMetadata> send(long producerId, long sequence) {
			this.stamp = (this.message != null) ? new SequenceStamp(producerId, sequence) : null;
			ProducerRecord<K, V> record = this.record;
			ProducerRecord<K, V> stamped = new ProducerRecord<>(record.topic(), this.partition, record.timestamp(),
					record.key(), record.value(), null);
			Headers headers = stamped.headers();
			for (Header header : record.headers().toArray()) {
				if (!SequenceStamp.isStamp(header.key()) && !SequenceStamp.REPLAYED_HEADER.equals(header.key())) {
					headers.add(header);
				}
			}
			headers.add(SequenceStamp.HEADER, SequenceStamp.toBytes(producerId, sequence));
			if (this.again) {
				headers.add(SequenceStamp.REPLAYED_HEADER, new byte[0]);
			}
			if (record instanceof StampKeepingRecord<K, V> keeping) {
				keeping.stamped(this.partition, new SequenceStamp(producerId, sequence));
			}
			return send(stamped);
		}

	}

}
