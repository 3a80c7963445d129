package dev.lossless.kafka.support;

import org.springframework.context.SmartLifecycle;

/**
 * The {@link SmartLifecycle} phases of the starter's startup work, in one place, with the
 * reason for each order. Lower phases start first and stop last. Spring Boot starts its
 * web server in {@code DEFAULT_PHASE - 2048} ({@code WebServerStartStopLifecycle}) and
 * spring-kafka its listener containers in {@code DEFAULT_PHASE}.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class StartupPhases {

	/**
	 * The startup audit and the creation of the dead-letter topics: first of all, so that
	 * an application refused for a setting that loses messages never serves a request,
	 * never consumes a record, and never creates a topic it then refuses.
	 */
	public static final int AUDIT = SmartLifecycle.DEFAULT_PHASE - 4097;

	/**
	 * The background workers that deliver what a previous run left behind (the send
	 * journal's replayer, the outbox relay): after the audit, so that nothing is sent by
	 * an application that is then refused, and before the web server and the listener
	 * containers, so that old records go out before new ones arrive; they stop after
	 * both, so that the last records in hand are still delivered.
	 */
	public static final int WORKERS = AUDIT + 1;

	private StartupPhases() {
	}

}
