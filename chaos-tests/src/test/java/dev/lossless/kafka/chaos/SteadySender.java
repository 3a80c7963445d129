package dev.lossless.kafka.chaos;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.RecordMetadata;

import org.springframework.kafka.core.KafkaTemplate;

/**
 * Sends records {@code 0, 1, 2, ...} at a steady rate, one tick at a time, and logs every
 * send and its outcome.
 *
 * @author Lossless Kafka team
 */
final class SteadySender {

	static final Duration TICK = Duration.ofMillis(20);

	private static final String POISON = ":poison";

	private final KafkaTemplate<String, String> template;

	private final String topic;

	private final int rate;

	private final int poisonEvery;

	private final long firstId;

	private final boolean keyed;

	private final OutcomeWriter log;

	private final Object lock = new Object();

	private long pending;

	private long sent;

	private long startNanos = -1;

	SteadySender(KafkaTemplate<String, String> template, String topic, int rate, int poisonEvery, OutcomeWriter log) {
		this(template, topic, rate, poisonEvery, 0, true, log);
	}

	/**
	 * Create a sender.
	 * @param template the template
	 * @param topic the topic
	 * @param rate the records per second
	 * @param poisonEvery make every n-th record a poison pill, 0 for none
	 * @param firstId the first id, so that several senders use disjoint ids
	 * @param keyed whether records carry their id as key (or no key)
	 * @param log the outcome log
	 */
	SteadySender(KafkaTemplate<String, String> template, String topic, int rate, int poisonEvery, long firstId,
			boolean keyed, OutcomeWriter log) {
		this.template = template;
		this.topic = topic;
		this.rate = rate;
		this.poisonEvery = poisonEvery;
		this.firstId = firstId;
		this.keyed = keyed;
		this.log = log;
	}

	/**
	 * Send what the rate allows since the first tick, at most half a second's worth, so
	 * that a blocked send is followed by a short burst rather than a flood.
	 */
	void tick() {
		long now = System.nanoTime();
		if (this.startNanos < 0) {
			this.startNanos = now;
		}
		long due = (long) (this.rate * ((now - this.startNanos) / (double) TimeUnit.SECONDS.toNanos(1))) + 1;
		long count = Math.min(due - this.sent, Math.max(1, this.rate / 2));
		for (long i = 0; i < count; i++) {
			send(this.firstId + this.sent++);
		}
	}

	private void send(long id) {
		boolean poison = this.poisonEvery > 0 && id % this.poisonEvery == this.poisonEvery - 1;
		String value = poison ? id + POISON : Long.toString(id);
		String key = this.keyed ? Long.toString(id) : null;
		// the send time, for the nemesis's fault windows
		this.log.write("S " + id + " " + System.currentTimeMillis());
		synchronized (this.lock) {
			this.pending++;
		}
		try {
			this.template.send(this.topic, key, value).whenComplete((result, ex) -> {
				if (ex != null) {
					failed(id, ex);
				}
				else {
					RecordMetadata metadata = result.getRecordMetadata();
					resolved("A " + id + " " + metadata.partition() + " " + metadata.offset());
				}
			});
		}
		catch (RuntimeException ex) {
			failed(id, ex);
		}
	}

	private void failed(long id, Throwable failure) {
		resolved("F " + id + " " + rootCause(failure).getClass().getName() + " " + failure.getClass().getName());
	}

	private void resolved(String line) {
		this.log.write(line);
		synchronized (this.lock) {
			this.pending--;
			this.lock.notifyAll();
		}
	}

	long sent() {
		return this.sent;
	}

	/**
	 * Wait until every send has an outcome.
	 * @param timeout the longest wait
	 * @return the number of sends still without an outcome
	 */
	long awaitOutcomes(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.lock) {
			while (this.pending > 0) {
				long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
				if (remaining <= 0) {
					break;
				}
				this.lock.wait(remaining);
			}
			return this.pending;
		}
	}

	static boolean isPoison(String value) {
		return value.endsWith(POISON);
	}

	static long idOf(String value) {
		return Long.parseLong(isPoison(value) ? value.substring(0, value.length() - POISON.length()) : value);
	}

	private static Throwable rootCause(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause;
	}

}
