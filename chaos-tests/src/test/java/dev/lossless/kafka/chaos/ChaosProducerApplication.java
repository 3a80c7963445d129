package dev.lossless.kafka.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The producer application under test, run in its own JVM by {@link AppProcess}: a Spring
 * Boot application on the starter that sends records {@code 0, 1, 2, ...} with its
 * {@link KafkaTemplate} at a steady rate until its standard input says {@code stop}, then
 * waits for the outcome of every send and exits.
 * <p>
 * Every send is logged to {@code chaos.log} before it is handed to the template
 * ({@code S id}), and its outcome when the template reports it: {@code A id partition
 * offset} when the brokers acknowledged it, {@code F id root-cause-class exception-class}
 * when it failed. The last line is {@code DONE sent} once every send has an outcome.
 *
 * @author Lossless Kafka team
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ChaosProducerApplication {

	private static final CountDownLatch stop = new CountDownLatch(1);

	public static void main(String[] args) throws Exception {
		ParentWatchdog.start((command) -> {
			if ("stop".equals(command)) {
				stop.countDown();
			}
		});
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ChaosProducerApplication.class)
			.web(WebApplicationType.NONE)
			.run(args);
		Environment environment = context.getEnvironment();
		@SuppressWarnings("unchecked")
		KafkaTemplate<String, String> template = context.getBean(KafkaTemplate.class);
		int status;
		try (OutcomeWriter log = new OutcomeWriter(Path.of(environment.getRequiredProperty("chaos.log")))) {
			SteadySender sender = new SteadySender(template, environment.getRequiredProperty("chaos.topic"),
					environment.getRequiredProperty("chaos.rate", Integer.class),
					environment.getProperty("chaos.poison-every", Integer.class, 0),
					environment.getProperty("chaos.first-id", Long.class, 0L),
					environment.getProperty("chaos.keyed", Boolean.class, true), log);
			JournalReport.start(context, log);
			log.write("READY");
			ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
			executor.scheduleAtFixedRate(sender::tick, 0, SteadySender.TICK.toMillis(), TimeUnit.MILLISECONDS);
			stop.await();
			executor.shutdown();
			if (!executor.awaitTermination(2, TimeUnit.MINUTES)) {
				log.write("STUCK sender did not stop");
			}
			Duration outcomeTimeout = environment.getProperty("chaos.outcome-timeout", Duration.class,
					Duration.ofMinutes(3));
			long unresolved = sender.awaitOutcomes(outcomeTimeout);
			JournalReport.awaitDrained(context, log,
					environment.getProperty("chaos.journal-drain-timeout", Duration.class, Duration.ZERO));
			log.write((unresolved == 0) ? "DONE " + sender.sent() : "UNRESOLVED " + unresolved);
			status = (unresolved == 0) ? 0 : 1;
		}
		context.close();
		System.exit(status);
	}

}
