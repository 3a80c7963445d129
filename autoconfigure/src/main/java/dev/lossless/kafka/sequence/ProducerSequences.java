package dev.lossless.kafka.sequence;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * The sequence numbers of one producer instance: a random 40-bit producer id (what the
 * stamp carries, see {@link SequenceStamp#PRODUCER_IDS}) and, per topic partition, the
 * next sequence number. A number is taken and the record handed to the client under one
 * lock per partition, so the order of the numbers is the order in which the client
 * receives the records; with idempotence and at most 5 requests in flight the client
 * keeps that order on the broker.
 * <p>
 * A number is consumed only by a record the client accepted: a send that fails at once
 * with a failure the caller declares final gives its number back. In a transaction, an
 * abort gives back every number the transaction took, so that a {@code read_committed}
 * consumer, which never sees the aborted records, sees no hole.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class ProducerSequences {

	private static final SecureRandom random = new SecureRandom();

	private final long producerId;

	private final Map<String, TopicCounters> topics = new ConcurrentHashMap<>();

	private volatile @Nullable List<Counter> transaction;

	ProducerSequences(long producerId) {
		this.producerId = producerId;
	}

	/**
	 * Create the sequences of a new producer instance, with a new random producer id.
	 * @return the sequences
	 */
	public static ProducerSequences create() {
		return new ProducerSequences(random.nextLong() & (SequenceStamp.PRODUCER_IDS - 1));
	}

	/**
	 * Return this producer's id.
	 * @return the id
	 */
	public long producerId() {
		return this.producerId;
	}

	/**
	 * Take the next sequence number of a partition and send the record stamped with it.
	 * @param <F> the type of the send's future
	 * @param topic the topic the record is sent to
	 * @param partition the partition the record is sent to
	 * @param send sends the record stamped with the given producer id and sequence number
	 * and returns its future; when it throws, the number is given back
	 * @param givesBackNumber whether a failure that the future reports at once gives the
	 * number back (the record will never be written with it)
	 * @return the future of the send
	 */
	public <F extends Future<?>> F stampAndSend(String topic, int partition, StampedSend<F> send,
			Predicate<Throwable> givesBackNumber) {
		Counter counter = counter(topic, partition);
		synchronized (counter) {
			long sequence = counter.next;
			F future = send.send(this.producerId, sequence);
			if (!failedAtOnce(future, givesBackNumber)) {
				counter.next = sequence + 1;
				List<Counter> transaction = this.transaction;
				if (transaction != null && counter.transactionStart < 0) {
					counter.transactionStart = sequence;
					synchronized (transaction) {
						transaction.add(counter);
					}
				}
			}
			return future;
		}
	}

	private Counter counter(String topic, int partition) {
		TopicCounters counters = this.topics.get(topic);
		if (counters == null) {
			counters = this.topics.computeIfAbsent(topic, (key) -> new TopicCounters());
		}
		return counters.get(partition);
	}

	/**
	 * Start remembering the numbers a transaction takes.
	 */
	public void beginTransaction() {
		// a transaction neither committed nor aborted keeps its numbers
		forgetTransaction(false);
		this.transaction = new ArrayList<>();
	}

	/**
	 * Forget the numbers of the committed transaction.
	 */
	public void commitTransaction() {
		forgetTransaction(false);
	}

	/**
	 * Give back every number the aborted transaction took.
	 */
	public void abortTransaction() {
		forgetTransaction(true);
	}

	private void forgetTransaction(boolean giveBack) {
		List<Counter> transaction = this.transaction;
		this.transaction = null;
		if (transaction == null) {
			return;
		}
		List<Counter> counters;
		synchronized (transaction) {
			// a send holds its counter's lock, then this list's: never the other way
			// round
			counters = List.copyOf(transaction);
		}
		for (Counter counter : counters) {
			synchronized (counter) {
				if (giveBack) {
					counter.next = counter.transactionStart;
				}
				counter.transactionStart = -1;
			}
		}
	}

	private static boolean failedAtOnce(Future<?> future, Predicate<Throwable> givesBackNumber) {
		if (!future.isDone()) {
			return false;
		}
		try {
			future.get();
			return false;
		}
		catch (ExecutionException ex) {
			return givesBackNumber.test((ex.getCause() != null) ? ex.getCause() : ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Sends one record stamped with a sequence number.
	 *
	 * @param <F> the type of the send's future
	 */
	@FunctionalInterface
	public interface StampedSend<F extends Future<?>> {

		/**
		 * Send the record stamped with the given producer id and sequence number.
		 * @param producerId the producer id
		 * @param sequence the record's sequence number in its partition
		 * @return the future of the send
		 */
		F send(long producerId, long sequence);

	}

	/**
	 * The counters of one topic, indexed by partition: found without creating a key
	 * object on each send. The array is replaced, never changed, when a partition is
	 * added.
	 */
	private static final class TopicCounters {

		private volatile Counter[] counters = new Counter[0];

		Counter get(int partition) {
			Counter[] counters = this.counters;
			Counter counter = (partition < counters.length) ? counters[partition] : null;
			return (counter != null) ? counter : create(partition);
		}

		private synchronized Counter create(int partition) {
			Counter[] counters = this.counters;
			if (partition < counters.length && counters[partition] != null) {
				return counters[partition];
			}
			Counter[] grown = Arrays.copyOf(counters, Math.max(counters.length, partition + 1));
			Counter counter = new Counter();
			grown[partition] = counter;
			this.counters = grown;
			return counter;
		}

	}

	private static final class Counter {

		private long next;

		/**
		 * The first number the current transaction took, or {@code -1}.
		 */
		private long transactionStart = -1;

	}

}
