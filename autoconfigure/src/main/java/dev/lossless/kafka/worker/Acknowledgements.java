package dev.lossless.kafka.worker;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;

/**
 * Waits for the acknowledgement of a send from a loop's cycle: bounded by the round's
 * deadline, and in slices, so that a loop that is stopped stops waiting at once.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class Acknowledgements {

	private static final long WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private static final Throwable STOPPED = new StoppedWaiting();

	private Acknowledgements() {
	}

	/**
	 * Return why a send failed, if it is done and failed.
	 * @param future the send's future
	 * @return the failure, or {@code null} when the send is not done or succeeded
	 */
	public static @Nullable Throwable failureIfDone(Future<?> future) {
		if (!future.isDone()) {
			return null;
		}
		try {
			future.get();
			return null;
		}
		catch (ExecutionException ex) {
			return (ex.getCause() != null) ? ex.getCause() : ex;
		}
		catch (CancellationException ex) {
			return ex;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	/**
	 * Wait for a send's acknowledgement until a deadline.
	 * @param future the send's future
	 * @param deadline the deadline, in {@link System#nanoTime()} terms
	 * @param timeout the round's acknowledgement timeout, for the message of a timeout
	 * @param active whether the loop goes on: waiting stops once it returns false
	 * @return {@code null} when acknowledged, the failure of the send, a
	 * {@link TimeoutException} past the deadline, or a failure for which
	 * {@link #isStopped(Throwable)} is true when the loop stopped
	 */
	public static @Nullable Throwable await(Future<?> future, long deadline, Duration timeout, BooleanSupplier active) {
		while (true) {
			try {
				if (future.isDone()) {
					future.get();
					return null;
				}
				if (!active.getAsBoolean()) {
					return STOPPED;
				}
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					return new TimeoutException("no acknowledgement within " + timeout.toMillis() + " ms");
				}
				future.get(Math.min(remaining, WAIT_SLICE_NANOS), TimeUnit.NANOSECONDS);
				return null;
			}
			catch (ExecutionException ex) {
				return (ex.getCause() != null) ? ex.getCause() : ex;
			}
			catch (CancellationException ex) {
				return ex;
			}
			catch (TimeoutException ex) {
				// look again
			}
			catch (InterruptedException ex) {
				// only a stop interrupts a loop's thread
				return STOPPED;
			}
		}
	}

	/**
	 * Return whether {@link #await} returned because the loop stopped.
	 * @param outcome what {@code await} returned
	 * @return whether the loop stopped
	 */
	public static boolean isStopped(@Nullable Throwable outcome) {
		return outcome == STOPPED;
	}

	private static final class StoppedWaiting extends RuntimeException {

		StoppedWaiting() {
			super("stopped", null, false, false);
		}

	}

}
