package dev.lossless.kafka.benchmarks;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Send-to-acknowledgement latencies of one producer run, every record recorded (no
 * sampling), and the wait for the last acknowledgement.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
final class Latencies {

	private final long[] nanos;

	private final CountDownLatch acknowledged;

	private final AtomicLong failures = new AtomicLong();

	Latencies(int records) {
		this.nanos = new long[records];
		this.acknowledged = new CountDownLatch(records);
	}

	/**
	 * Record the completion of a send; called on the producer's I/O thread.
	 * @param index the index of the record
	 * @param sentAt the {@link System#nanoTime()} before the send
	 * @param failure the failure, or {@code null}
	 */
	void completed(int index, long sentAt, Throwable failure) {
		this.nanos[index] = System.nanoTime() - sentAt;
		if (failure != null) {
			this.failures.incrementAndGet();
		}
		this.acknowledged.countDown();
	}

	void await(long timeoutSeconds) throws InterruptedException {
		if (!this.acknowledged.await(timeoutSeconds, TimeUnit.SECONDS)) {
			throw new IllegalStateException(
					this.acknowledged.getCount() + " send(s) not acknowledged within " + timeoutSeconds + " s");
		}
		if (this.failures.get() > 0) {
			throw new IllegalStateException(this.failures.get() + " send(s) failed");
		}
	}

	Run toRun(long records, long bytes, long elapsedNanos) {
		long[] sorted = this.nanos.clone();
		Arrays.sort(sorted);
		return new Run(records, bytes, elapsedNanos, millis(sorted, 0.5), millis(sorted, 0.99), millis(sorted, 0.999));
	}

	private static double millis(long[] sorted, double percentile) {
		int index = (int) Math.min(sorted.length - 1, Math.floor(percentile * sorted.length));
		return sorted[index] / 1e6;
	}

}
