package dev.lossless.kafka.sequence;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Predicate;

import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * The sequence numbers of one producer instance: a random 64-bit producer id and, per
 * topic partition, the next sequence number. A number is taken and the record handed to
 * the client under one lock per partition, so the order of the numbers is the order in
 * which the client receives the records; with idempotence and at most 5 requests in
 * flight the client keeps that order on the broker.
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

	private final Map<TopicPartition, Counter> counters = new ConcurrentHashMap<>();

	private @Nullable Map<TopicPartition, Long> transactionStarts;

	ProducerSequences(long producerId) {
		this.producerId = producerId;
	}

	/**
	 * Create the sequences of a new producer instance, with a new random producer id.
	 * @return the sequences
	 */
	public static ProducerSequences create() {
		return new ProducerSequences(random.nextLong());
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
	 * @param partition the partition the record is sent to
	 * @param send sends the record stamped with the given stamp and returns its future;
	 * when it throws, the number is given back
	 * @param givesBackNumber whether a failure that the future reports at once gives the
	 * number back (the record will never be written with it)
	 * @return the future of the send
	 */
	public <F extends Future<?>> F stampAndSend(TopicPartition partition, Function<SequenceStamp, F> send,
			Predicate<Throwable> givesBackNumber) {
		Counter counter = this.counters.computeIfAbsent(partition, (key) -> new Counter());
		synchronized (counter) {
			long sequence = counter.next;
			F future = send.apply(new SequenceStamp(this.producerId, sequence));
			if (!failedAtOnce(future, givesBackNumber)) {
				counter.next = sequence + 1;
				Map<TopicPartition, Long> starts = this.transactionStarts;
				if (starts != null) {
					starts.putIfAbsent(partition, sequence);
				}
			}
			return future;
		}
	}

	/**
	 * Start remembering the numbers a transaction takes.
	 */
	public void beginTransaction() {
		this.transactionStarts = new HashMap<>();
	}

	/**
	 * Forget the numbers of the committed transaction.
	 */
	public void commitTransaction() {
		this.transactionStarts = null;
	}

	/**
	 * Give back every number the aborted transaction took.
	 */
	public void abortTransaction() {
		Map<TopicPartition, Long> starts = this.transactionStarts;
		this.transactionStarts = null;
		if (starts != null) {
			starts.forEach((partition, start) -> {
				Counter counter = this.counters.get(partition);
				if (counter != null) {
					synchronized (counter) {
						counter.next = start;
					}
				}
			});
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

	private static final class Counter {

		private long next;

	}

}
