package dev.lossless.kafka.adoption;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.rules.StartupEnforcer;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.KafkaListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the starter adds to an application's startup: at most one bounded wait when no
 * broker is reachable (a {@code contextLoads} test without Kafka), and little when the
 * brokers answer. Each figure is printed; the bounds asserted are generous.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupCostIntegrationTests {

	// the default lossless.kafka.topics.timeout
	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@Test
	void unreachableBrokersCostOneBoundedWaitAndLeaveTopicRulesUnknown(CapturedOutput output) throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		try (ConfigurableApplicationContext context = KafkaTestSupport.run(ListenerApplication.class,
				"spring.kafka.bootstrap-servers=127.0.0.1:" + closedPort, "test.topic=orders",
				"spring.kafka.consumer.group-id=" + KafkaTestSupport.unique("group"))) {
			Duration starter = context.getBean(StartupClock.class).starterStartup();
			System.out.println("Starter's startup work with no broker reachable: " + starter.toMillis() + " ms");
			assertThat(starter).as("one wait of %s, not one per component", TIMEOUT)
				.isLessThan(TIMEOUT.plus(TIMEOUT.dividedBy(2)));
		}
		assertThat(output.getOut()).contains("Topic rules could not be checked at startup")
			.contains("did not answer within 5000 ms");
	}

	@Test
	void answeringBrokersCostLittle() {
		try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.builder().brokers(1).start()) {
			String topic = KafkaTestSupport.unique("orders");
			cluster.createTopic(topic, 1, (short) 1, Map.of());
			List<String> properties = List.of("spring.kafka.bootstrap-servers=" + cluster.bootstrapServers(),
					"test.topic=" + topic, "lossless.kafka.test-cluster=true");
			long without = Long.MAX_VALUE;
			long with = Long.MAX_VALUE;
			Duration starter = null;
			for (int run = 0; run < 3; run++) {
				without = Math.min(without, startupMillis(properties, "lossless.kafka.enabled=false"));
				long started = System.nanoTime();
				try (ConfigurableApplicationContext context = start(properties, "lossless.kafka.enabled=true")) {
					with = Math.min(with, Duration.ofNanos(System.nanoTime() - started).toMillis());
					starter = context.getBean(StartupClock.class).starterStartup();
				}
			}
			System.out
				.println("Context startup with brokers answering, best of 3: " + without + " ms without the starter, "
						+ with + " ms with it; the starter's startup work " + starter.toMillis() + " ms");
			assertThat(starter).isLessThan(Duration.ofSeconds(5));
		}
	}

	private static long startupMillis(List<String> properties, String extra) {
		long started = System.nanoTime();
		try (ConfigurableApplicationContext context = start(properties, extra)) {
			return Duration.ofNanos(System.nanoTime() - started).toMillis();
		}
	}

	private static ConfigurableApplicationContext start(List<String> properties, String extra) {
		List<String> all = new ArrayList<>(properties);
		all.add(extra);
		all.add("spring.kafka.consumer.group-id=" + KafkaTestSupport.unique("group"));
		return KafkaTestSupport.run(ListenerApplication.class, all.toArray(String[]::new));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ListenerApplication {

		@Bean
		StartupClock startupClock() {
			return new StartupClock();
		}

		@Bean
		SmartLifecycle beforeTheStarter(StartupClock clock) {
			return new Mark(StartupEnforcer.PHASE - 2, () -> clock.before = System.nanoTime());
		}

		@Bean
		SmartLifecycle afterTheStarter(StartupClock clock) {
			return new Mark(StartupEnforcer.PHASE + 1, () -> clock.after = System.nanoTime());
		}

		@KafkaListener(topics = "${test.topic}")
		void listen(String order) {
		}

	}

	static class StartupClock {

		volatile long before;

		volatile long after;

		Duration starterStartup() {
			return Duration.ofNanos(this.after - this.before);
		}

	}

	/**
	 * Notes the time it starts, in its phase: around the starter's startup checks.
	 */
	static final class Mark implements SmartLifecycle {

		private final int phase;

		private final Runnable action;

		private volatile boolean running;

		Mark(int phase, Runnable action) {
			this.phase = phase;
			this.action = action;
		}

		@Override
		public void start() {
			this.action.run();
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return this.phase;
		}

	}

}
