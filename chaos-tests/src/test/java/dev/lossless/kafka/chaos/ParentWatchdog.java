package dev.lossless.kafka.chaos;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads commands from the standard input of an application process and halts the process
 * when the input ends, which happens when the test JVM that started it goes away for any
 * reason, so that application processes never outlive the suite.
 *
 * @author Lossless Kafka team
 */
final class ParentWatchdog {

	/**
	 * Exit status of a process halted because its parent JVM went away.
	 */
	static final int ORPHANED_EXIT_STATUS = 87;

	private ParentWatchdog() {
	}

	static void start(Consumer<String> commands) {
		Thread watchdog = new Thread(() -> {
			try (BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					commands.accept(line.trim());
				}
			}
			catch (IOException ex) {
				// The pipe is broken: the parent is gone
			}
			Runtime.getRuntime().halt(ORPHANED_EXIT_STATUS);
		}, "chaos-parent-watchdog");
		watchdog.setDaemon(true);
		watchdog.start();
	}

}
