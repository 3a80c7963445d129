package dev.lossless.kafka.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.lossless.kafka.outbox.OutboxPublisher;
import dev.lossless.kafka.outbox.OutboxRelay;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Benchmark case 4: how fast the outbox relay publishes rows already committed to the
 * outbox table and marks them sent.
 *
 * @author Lossless Kafka team
 */
final class OutboxCases {

	private static final int ROWS_PER_TRANSACTION = 100;

	private static final int KEYS = 100;

	private static final long TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(10);

	private OutboxCases() {
	}

	static void stopRelays(ConfigurableApplicationContext... applications) {
		for (ConfigurableApplicationContext application : applications) {
			application.getBean(OutboxRelay.class).stop();
		}
	}

	/**
	 * Write {@code records} rows with the relay stopped, then start it and time it until
	 * it published them all.
	 */
	static Run relay(ConfigurableApplicationContext application, String topic, int records, int size) {
		OutboxRelay relay = application.getBean(OutboxRelay.class);
		OutboxPublisher publisher = application.getBean(OutboxPublisher.class);
		TransactionTemplate transactions = new TransactionTemplate(
				application.getBean(PlatformTransactionManager.class));
		byte[] value = new byte[size];
		for (int written = 0; written < records; written += ROWS_PER_TRANSACTION) {
			int from = written;
			transactions.executeWithoutResult((status) -> {
				for (int i = from; i < Math.min(records, from + ROWS_PER_TRANSACTION); i++) {
					publisher.publish(topic, ("key-" + (i % KEYS)).getBytes(), value);
				}
			});
		}
		long before = relay.monitor().published();
		long start = System.nanoTime();
		relay.start();
		try {
			while (relay.monitor().published() - before < records) {
				if (System.nanoTime() - start > TIMEOUT_NANOS) {
					throw new IllegalStateException("The relay published " + (relay.monitor().published() - before)
							+ " of " + records + " rows in 10 minutes");
				}
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
			}
			return Run.withoutLatency(records, (long) records * size, System.nanoTime() - start);
		}
		finally {
			relay.stop();
		}
	}

}
