package dev.lossless.kafka.chaos;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.lossless.kafka.producer.SendJournalReplayer;
import dev.lossless.kafka.producer.SendJournalStore;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Logs the starter's send journal counters in the producer application every second as
 * {@code JOURNAL backlog replayed rejected}, so that the nemesis can compare them with
 * its own count of failed sends.
 *
 * @author Lossless Kafka team
 */
final class JournalReport {

	private JournalReport() {
	}

	static void start(ConfigurableApplicationContext context, OutcomeWriter log) {
		if (context.getBeanProvider(SendJournalStore.class).getIfAvailable() == null) {
			return;
		}
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "chaos-journal-report");
			thread.setDaemon(true);
			return thread;
		});
		executor.scheduleWithFixedDelay(() -> write(context, log), 1, 1, TimeUnit.SECONDS);
	}

	/**
	 * Wait (bounded) until the journal holds no entry: every journaled send was replayed.
	 * @param context the application context
	 * @param log the outcome log
	 * @param timeout the longest wait
	 */
	static void awaitDrained(ConfigurableApplicationContext context, OutcomeWriter log, Duration timeout) {
		SendJournalStore store = context.getBeanProvider(SendJournalStore.class).getIfAvailable();
		if (store == null) {
			return;
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		while (store.journal().statistics().backlogEntries() > 0 && System.nanoTime() < deadline) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
		}
		write(context, log);
	}

	private static void write(ConfigurableApplicationContext context, OutcomeWriter log) {
		SendJournalStore store = context.getBeanProvider(SendJournalStore.class).getIfAvailable();
		SendJournalReplayer replayer = context.getBeanProvider(SendJournalReplayer.class).getIfAvailable();
		if (store == null || replayer == null) {
			return;
		}
		SendJournalReplayer.Statistics replayed = replayer.statistics();
		log.write("JOURNAL " + store.journal().statistics().backlogEntries() + " " + replayed.replayed() + " "
				+ replayed.rejected());
	}

}
