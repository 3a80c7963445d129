package dev.lossless.kafka.chaos;

import java.nio.file.Path;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.event.ConsumerStoppedEvent;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.BatchListenerFailedException;

/**
 * The consume-transform-produce application of the nemesis, run in its own JVM by
 * {@link AppProcess} with {@code lossless.kafka.exactly-once.enabled=true}: it copies
 * every id of {@code chaos.topic} to {@code chaos.output} inside the container's
 * transaction, and names poison pills in a {@link BatchListenerFailedException}, which
 * the starter dead-letters alone. The checker reads the output with
 * {@code read_committed}: each input exactly once.
 * <p>
 * A container that stops for any reason but a normal stop (its producer fenced, an error)
 * ends the process with status {@value #STOPPED_STATUS}, as a liveness probe would have
 * an orchestrator end it, and the nemesis starts it again.
 * <p>
 * A batch listener: one transaction per poll. A record listener commits one transaction
 * per record, and each transaction waits for the markers of the one before it (the next
 * one's first request is answered {@code CONCURRENT_TRANSACTIONS} until they are
 * written): a few records a second on a loaded machine, far below the input rate.
 *
 * @author Lossless Kafka team
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ChaosPipelineApplication {

	/** The exit status of a pipeline whose container stopped abnormally. */
	static final int STOPPED_STATUS = 70;

	public static void main(String[] args) {
		ParentWatchdog.start((command) -> {
		});
		new SpringApplicationBuilder(ChaosPipelineApplication.class).web(WebApplicationType.NONE).run(args);
	}

	@Bean
	Transformer transformer(KafkaTemplate<String, String> template, @Value("${chaos.output}") String output,
			@Value("${chaos.log}") String log) {
		return new Transformer(template, output, new OutcomeWriter(Path.of(log)));
	}

	static class Transformer {

		private final KafkaTemplate<String, String> template;

		private final String output;

		private final OutcomeWriter log;

		Transformer(KafkaTemplate<String, String> template, String output, OutcomeWriter log) {
			this.template = template;
			this.output = output;
			this.log = log;
			log.write("STARTED");
		}

		@EventListener
		void stopped(ConsumerStoppedEvent event) {
			if (event.getReason() != ConsumerStoppedEvent.Reason.NORMAL) {
				this.log.write("STOPPED " + event.getReason());
				// not on the consumer thread: the shutdown stops its container
				new Thread(() -> System.exit(STOPPED_STATUS), "pipeline-exit").start();
			}
		}

		@KafkaListener(id = "pipeline", idIsGroup = false, topics = "${chaos.topic}", batch = "true")
		void transform(List<ConsumerRecord<String, String>> records) {
			for (ConsumerRecord<String, String> record : records) {
				if (SteadySender.isPoison(record.value())) {
					throw new BatchListenerFailedException("Poison pill " + record.value(), record);
				}
				this.template.send(this.output, record.key(), record.value());
			}
		}

	}

}
