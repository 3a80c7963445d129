package dev.lossless.kafka.consumer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.lossless.kafka.worker.BackgroundWorker;
import dev.lossless.kafka.worker.Liveness;
import dev.lossless.kafka.worker.WorkerLoop;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.TaskExecutor;
import org.springframework.util.Assert;

/**
 * Inspects the offsets of the application's consumer groups every interval, on one
 * {@link WorkerLoop}, and keeps the last {@link ConsumerOffsetsSnapshot snapshot} for the
 * health and the metrics to read without calling the brokers themselves. A failed
 * inspection never stops the refreshes: it is kept as an unreachable snapshot and logged
 * once per streak of failures.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class ConsumerOffsetsMonitor implements SmartLifecycle, BackgroundWorker {

	private static final Log logger = LogFactory.getLog(ConsumerOffsetsMonitor.class);

	private final ConsumerOffsetsInspector inspector;

	private final Supplier<Map<String, Set<String>>> topicsByGroup;

	private final Duration interval;

	private final List<Consumer<ConsumerOffsetsSnapshot>> listeners = new CopyOnWriteArrayList<>();

	private volatile @Nullable ConsumerOffsetsSnapshot snapshot;

	private final WorkerLoop loop;

	private boolean failing;

	/**
	 * Create an instance.
	 * @param inspector the inspector that reads the offsets
	 * @param topicsByGroup the topics each consumer group of the application consumes, by
	 * group id, asked again before every inspection
	 * @param interval the time between the end of an inspection and the start of the next
	 */
	public ConsumerOffsetsMonitor(ConsumerOffsetsInspector inspector, Supplier<Map<String, Set<String>>> topicsByGroup,
			Duration interval) {
		Assert.notNull(inspector, "'inspector' cannot be null");
		Assert.notNull(topicsByGroup, "'topicsByGroup' cannot be null");
		Assert.isTrue(interval != null && interval.toMillis() > 0, "'interval' must be positive");
		this.inspector = inspector;
		this.topicsByGroup = topicsByGroup;
		this.interval = interval;
		this.loop = new WorkerLoop("lossless-kafka-consumer-offsets", () -> {
			refresh();
			return WorkerLoop.Outcome.idle(interval);
		}, interval, interval, interval.multipliedBy(3).plus(Duration.ofMinutes(1)), () -> {
		});
		this.loop.setInterruptOnStop(true);
	}

	/**
	 * Return the last snapshot.
	 * @return the last snapshot, or {@code null} before the first inspection ends
	 */
	public @Nullable ConsumerOffsetsSnapshot snapshot() {
		return this.snapshot;
	}

	/**
	 * Add a listener called on the monitor's thread with every new snapshot, unreachable
	 * ones included. A listener that throws is logged like a failed inspection.
	 * @param listener the listener
	 */
	public void addListener(Consumer<ConsumerOffsetsSnapshot> listener) {
		Assert.notNull(listener, "'listener' cannot be null");
		this.listeners.add(listener);
	}

	@Override
	public void start() {
		this.loop.start();
	}

	/**
	 * Stop the refreshes, interrupting an inspection in progress, and wait a few seconds
	 * at most for the monitor's thread to end.
	 */
	@Override
	public void stop() {
		this.loop.stop();
	}

	@Override
	public boolean isRunning() {
		return this.loop.isRunning();
	}

	@Override
	public Liveness liveness() {
		return this.loop.liveness();
	}

	@Override
	public void setTaskExecutor(TaskExecutor executor) {
		this.loop.setTaskExecutor(executor);
	}

	/**
	 * Inspect the offsets now, keep the snapshot and tell the listeners. Never throws.
	 * @return the new snapshot
	 */
	ConsumerOffsetsSnapshot refresh() {
		Instant time = Instant.now();
		long start = System.nanoTime();
		ConsumerOffsetsSnapshot snapshot;
		try {
			snapshot = this.inspector.inspect(this.topicsByGroup.get());
		}
		catch (RuntimeException ex) {
			snapshot = ConsumerOffsetsSnapshot.unreachable("inspection failed: " + ex, time,
					Duration.ofNanos(System.nanoTime() - start));
		}
		if (Thread.currentThread().isInterrupted()) {
			// Stopping: keep the last real snapshot
			return snapshot;
		}
		this.snapshot = snapshot;
		String failure = snapshot.error();
		for (Consumer<ConsumerOffsetsSnapshot> listener : this.listeners) {
			try {
				listener.accept(snapshot);
			}
			catch (RuntimeException ex) {
				failure = (failure != null) ? failure : "snapshot listener failed: " + ex;
			}
		}
		report(failure);
		return snapshot;
	}

	private synchronized void report(@Nullable String failure) {
		if (failure != null && !this.failing) {
			logger.warn(
					"Cannot read the offsets of the consumer groups (logged once until it succeeds again): " + failure);
		}
		else if (failure == null && this.failing) {
			logger.info("Consumer group offsets are readable again");
		}
		this.failing = (failure != null);
	}

}
