package dev.lossless.kafka.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.TaskExecutor;
import org.springframework.util.Assert;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Runs the cycles of one background loop on one thread of a {@link TaskExecutor} until it
 * is stopped: after each cycle it runs the next at once, waits for a {@link #wakeUp()
 * wake-up} or a time, or backs off after a failure (Spring's {@link ExponentialBackOff},
 * reset by a cycle that made progress). A {@link RuntimeException} of a cycle is logged
 * and backed off; an {@link Error} ends the loop: it is logged and kept as the loop's
 * {@link Liveness#death() death}, so that the health shows it instead of a silent thread.
 * The loop can be started again after {@link #stop()}.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class WorkerLoop {

	private static final Log logger = LogFactory.getLog(WorkerLoop.class);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

	private final String name;

	private final Cycle cycle;

	private final ExponentialBackOff backOff;

	private final Duration staleAfter;

	private final Runnable onStopTimeout;

	private volatile TaskExecutor executor;

	private volatile boolean interruptOnStop;

	private final Object lifecycleMonitor = new Object();

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition signal = this.lock.newCondition();

	private boolean wakeUpRequested;

	private volatile @Nullable Run current;

	private volatile @Nullable Instant lastCycle;

	private volatile @Nullable Instant lastSuccess;

	private final AtomicReference<@Nullable String> death = new AtomicReference<>();

	/**
	 * Create an instance.
	 * @param name the loop's name, also its thread's
	 * @param cycle one cycle of the loop
	 * @param initialBackOff the wait after a first failed cycle, doubled after each
	 * further failure
	 * @param maxBackOff the longest wait after a failed cycle
	 * @param staleAfter how long without an ended cycle means the loop is stuck: a few
	 * times the longest wait plus the longest cycle
	 * @param onStopTimeout called when the loop does not stop in time, before its thread
	 * is interrupted (for example to close a client it waits on)
	 */
	public WorkerLoop(String name, Cycle cycle, Duration initialBackOff, Duration maxBackOff, Duration staleAfter,
			Runnable onStopTimeout) {
		Assert.hasText(name, "'name' must not be empty");
		Assert.notNull(cycle, "'cycle' cannot be null");
		Assert.isTrue(initialBackOff.toMillis() > 0, "'initialBackOff' must be positive");
		Assert.isTrue(maxBackOff.compareTo(initialBackOff) >= 0, "'maxBackOff' must be at least 'initialBackOff'");
		this.name = name;
		this.cycle = cycle;
		this.backOff = new ExponentialBackOff(initialBackOff.toMillis(), 2);
		this.backOff.setMaxInterval(maxBackOff.toMillis());
		this.staleAfter = staleAfter;
		this.onStopTimeout = onStopTimeout;
		SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor(name + "-");
		executor.setDaemon(true);
		this.executor = executor;
	}

	/**
	 * Set the executor that runs the loop's thread; it takes effect at the next start.
	 * @param executor the executor
	 */
	public void setTaskExecutor(TaskExecutor executor) {
		Assert.notNull(executor, "'executor' cannot be null");
		this.executor = executor;
	}

	/**
	 * Set whether {@link #stop()} interrupts the loop's thread at once, for a cycle that
	 * waits on calls that end when interrupted; by default a cycle gets a few seconds to
	 * end first.
	 * @param interruptOnStop whether to interrupt at once
	 */
	public void setInterruptOnStop(boolean interruptOnStop) {
		this.interruptOnStop = interruptOnStop;
	}

	/**
	 * Start the loop, unless it runs.
	 */
	public void start() {
		synchronized (this.lifecycleMonitor) {
			if (this.current != null) {
				return;
			}
			Run run = new Run();
			this.current = run;
			this.death.set(null);
			// staleness counts from the start until a first cycle ends
			this.lastCycle = Instant.now();
			this.executor.execute(() -> run(run));
		}
	}

	/**
	 * Stop the loop and wait a few seconds for its thread to end: first for the current
	 * cycle to end, then, after the stop timeout action, for the interrupted thread.
	 */
	public void stop() {
		Run run;
		synchronized (this.lifecycleMonitor) {
			run = this.current;
			this.current = null;
		}
		if (run == null) {
			return;
		}
		signalAll();
		Thread running = run.thread;
		if (this.interruptOnStop && running != null) {
			running.interrupt();
		}
		if (!run.await()) {
			logger.warn(this.name + " did not stop within " + STOP_TIMEOUT.toSeconds() + " s");
			this.onStopTimeout.run();
			Thread thread = run.thread;
			if (thread != null) {
				thread.interrupt();
			}
			if (!run.await()) {
				logger.warn(this.name + " still runs; it ends once its current call returns");
			}
		}
	}

	/**
	 * Return whether the loop was started and not stopped.
	 * @return whether it runs
	 */
	public boolean isRunning() {
		return this.current != null;
	}

	/**
	 * Return whether the calling thread is the loop's current thread and the loop is not
	 * stopping: a cycle checks it to end early.
	 * @return whether the cycle should go on
	 */
	public boolean isActive() {
		Run run = this.current;
		return run != null && run.thread == Thread.currentThread();
	}

	/**
	 * Cut short a wait for a wake-up (not a back-off after a failure).
	 */
	public void wakeUp() {
		this.lock.lock();
		try {
			this.wakeUpRequested = true;
			this.signal.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Return the loop's liveness.
	 * @return the liveness
	 */
	public Liveness liveness() {
		Run run = this.current;
		// a thread not started yet by the executor counts as alive: its run has not ended
		boolean alive = run != null && run.finished.getCount() > 0;
		return new Liveness(this.name, run != null, alive, this.lastCycle, this.lastSuccess, this.death.get(),
				this.staleAfter);
	}

	private void run(Run run) {
		run.thread = Thread.currentThread();
		BackOffExecution backOff = this.backOff.start();
		try {
			while (this.current == run) {
				clearWakeUp();
				Outcome outcome;
				try {
					outcome = this.cycle.run();
				}
				catch (RuntimeException ex) {
					logger.warn(this.name + " cycle failed", ex);
					outcome = Outcome.failed(false);
				}
				Instant now = Instant.now();
				this.lastCycle = now;
				if (outcome.kind != Kind.FAILED) {
					this.lastSuccess = now;
				}
				if (outcome.progress) {
					backOff = this.backOff.start();
				}
				if (outcome.kind == Kind.FAILED) {
					long wait = backOff.nextBackOff();
					await(TimeUnit.MILLISECONDS.toNanos((wait != BackOffExecution.STOP) ? wait : 0), false);
				}
				else if (outcome.kind == Kind.IDLE) {
					await(outcome.waitNanos, true);
				}
			}
		}
		catch (Error ex) {
			this.death.set(ex.toString());
			// logged and kept for the health; the thread ends here
			logger.error(this.name + " died: it no longer runs until the application restarts", ex);
		}
		finally {
			run.finished.countDown();
		}
	}

	private void clearWakeUp() {
		this.lock.lock();
		try {
			this.wakeUpRequested = false;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void await(long timeoutNanos, boolean wakeUps) {
		this.lock.lock();
		try {
			long nanos = timeoutNanos;
			while (isActive() && !(wakeUps && this.wakeUpRequested) && nanos > 0) {
				nanos = this.signal.awaitNanos(nanos);
			}
		}
		catch (InterruptedException ex) {
			// only stop() interrupts this thread
		}
		finally {
			this.lock.unlock();
		}
	}

	private void signalAll() {
		this.lock.lock();
		try {
			this.signal.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * One cycle of a loop.
	 */
	@FunctionalInterface
	public interface Cycle {

		/**
		 * Run one cycle.
		 * @return what the loop does next
		 */
		Outcome run();

	}

	/**
	 * What a loop does after a cycle.
	 */
	public static final class Outcome {

		private static final Outcome AGAIN = new Outcome(Kind.AGAIN, true, 0);

		private final Kind kind;

		private final boolean progress;

		private final long waitNanos;

		private Outcome(Kind kind, boolean progress, long waitNanos) {
			this.kind = kind;
			this.progress = progress;
			this.waitNanos = waitNanos;
		}

		/**
		 * Run the next cycle at once: this one made progress and there is more to do.
		 * @return the outcome
		 */
		public static Outcome again() {
			return AGAIN;
		}

		/**
		 * Wait for a wake-up or a time before the next cycle.
		 * @param wait the longest wait
		 * @return the outcome
		 */
		public static Outcome idle(Duration wait) {
			return idle(wait.toNanos());
		}

		/**
		 * Wait for a wake-up or a time before the next cycle.
		 * @param waitNanos the longest wait, in nanoseconds
		 * @return the outcome
		 */
		public static Outcome idle(long waitNanos) {
			return new Outcome(Kind.IDLE, false, waitNanos);
		}

		/**
		 * Back off before the next cycle.
		 * @param progress whether the cycle made progress before it failed, which resets
		 * the back-off
		 * @return the outcome
		 */
		public static Outcome failed(boolean progress) {
			return new Outcome(Kind.FAILED, progress, 0);
		}

	}

	private enum Kind {

		AGAIN, IDLE, FAILED

	}

	private static final class Run {

		private final CountDownLatch finished = new CountDownLatch(1);

		private volatile @Nullable Thread thread;

		boolean await() {
			try {
				return this.finished.await(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}

	}

}
