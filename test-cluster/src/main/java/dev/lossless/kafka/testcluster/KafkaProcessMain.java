package dev.lossless.kafka.testcluster;

import java.io.IOException;
import java.io.InputStream;

/**
 * Main class of a broker process started by {@link KafkaProcessCluster}: runs
 * {@code kafka.Kafka} and halts the process as soon as its standard input reaches end of
 * file, which happens when the JVM that started it exits for any reason, including
 * {@code SIGKILL}, so that broker processes never outlive the test JVM.
 *
 * @author Lossless Kafka team
 */
final class KafkaProcessMain {

	/**
	 * Exit status of a broker process halted because its parent JVM went away.
	 */
	static final int ORPHANED_EXIT_STATUS = 86;

	private KafkaProcessMain() {
	}

	public static void main(String[] args) {
		Thread watchdog = new Thread(() -> haltAtEndOfInput(System.in), "lossless-kafka-parent-watchdog");
		watchdog.setDaemon(true);
		watchdog.start();
		kafka.Kafka.main(args);
	}

	private static void haltAtEndOfInput(InputStream input) {
		try {
			while (input.read() != -1) {
				// Ignore anything the parent writes
			}
		}
		catch (IOException ex) {
			// The pipe is broken: the parent is gone
		}
		Runtime.getRuntime().halt(ORPHANED_EXIT_STATUS);
	}

}
