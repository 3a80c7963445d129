package dev.lossless.kafka.worker;

import org.springframework.core.task.TaskExecutor;

/**
 * A bean that runs a {@link WorkerLoop}: its liveness is shown in the health, and the
 * auto-configuration gives it the executor of its thread (virtual threads when
 * {@code spring.threads.virtual.enabled} is set).
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public interface BackgroundWorker {

	/**
	 * Return the liveness of the worker's loop.
	 * @return the liveness
	 */
	Liveness liveness();

	/**
	 * Set the executor that runs the loop's thread, before the worker starts.
	 * @param executor the executor
	 */
	void setTaskExecutor(TaskExecutor executor);

}
