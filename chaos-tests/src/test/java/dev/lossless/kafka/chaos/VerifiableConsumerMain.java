package dev.lossless.kafka.chaos;

import org.apache.kafka.tools.VerifiableConsumer;

/**
 * Runs Kafka's own {@link VerifiableConsumer} in a process that halts when the test JVM
 * goes away, like the applications under test.
 *
 * @author Lossless Kafka team
 */
public final class VerifiableConsumerMain {

	private VerifiableConsumerMain() {
	}

	public static void main(String[] args) throws Exception {
		ParentWatchdog.start((command) -> {
		});
		VerifiableConsumer.main(args);
	}

}
