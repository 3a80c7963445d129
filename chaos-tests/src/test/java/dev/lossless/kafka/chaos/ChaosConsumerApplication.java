package dev.lossless.kafka.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import dev.lossless.kafka.consumer.LostOffsets;
import dev.lossless.kafka.sequence.SequenceChecker;
import dev.lossless.kafka.sequence.SequenceChecker.SequenceStatistics;
import dev.lossless.kafka.sequence.SequenceStamp;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;

/**
 * The consumer application under test, run in its own JVM by {@link AppProcess}: a Spring
 * Boot application on the starter with one record listener. It logs every record it
 * processed to {@code chaos.log} ({@code P id partition offset}) before the listener
 * returns, so before the container may commit its offset, and throws for poison pills,
 * which the starter retries and then sends to the dead-letter topic. Partition
 * assignments are logged as {@code ASSIGNED partitions}, and every second the counts of
 * the starter's {@link SequenceChecker} as {@code SEQ checked gaps missing duplicates
 * unresolved}, the ranges it still misses as {@code OPEN partition:producer:first-last
 * ...}, and the offsets its lost-offsets detection reports as {@code LOSS offsets
 * partition:from-to ...}: the starter's own verdict, which the nemesis compares with its
 * checker's. A processed record's line carries its sequence stamp ({@code P id partition
 * offset producer sequence}, and {@code R} for a copy replayed from the send journal), so
 * that the nemesis can tell whether a range one application misses was processed by one
 * of them.
 *
 * @author Lossless Kafka team
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ChaosConsumerApplication {

	public static void main(String[] args) {
		ParentWatchdog.start((command) -> {
		});
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ChaosConsumerApplication.class)
			.web(WebApplicationType.NONE)
			.run(args);
		SequenceChecker checker = context.getBeanProvider(SequenceChecker.class).getIfAvailable();
		LostOffsets lostOffsets = context.getBeanProvider(LostOffsets.class).getIfAvailable();
		if (checker != null) {
			OutcomeWriter log = context.getBean(OutcomeWriter.class);
			ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "chaos-sequence-report");
				thread.setDaemon(true);
				return thread;
			});
			executor.scheduleWithFixedDelay(() -> {
				SequenceStatistics statistics = checker.statistics();
				log.write(sequenceLine(statistics));
				log.write(openLine(statistics));
				if (lostOffsets != null) {
					log.write(lossLine(lostOffsets));
				}
			}, 1, 1, TimeUnit.SECONDS);
			context.addApplicationListener((ContextClosedEvent event) -> executor.shutdownNow());
		}
	}

	/**
	 * Format the ranges the sequence check still misses (up to 10 are listed) as
	 * {@code OPEN partition:producer:first-last ...}.
	 */
	private static String openLine(SequenceStatistics statistics) {
		return "OPEN" + statistics.unresolved()
			.stream()
			.map((range) -> " " + range.partition() + ":" + range.producer() + ":" + range.firstMissing() + "-"
					+ range.lastMissing())
			.collect(Collectors.joining());
	}

	/**
	 * Format the offsets the lost-offsets detection reports and nobody acknowledged as
	 * {@code LOSS offsets partition:from-to ...}.
	 */
	private static String lossLine(LostOffsets lostOffsets) {
		return "LOSS " + lostOffsets.unacknowledgedOffsets()
				+ lostOffsets.unacknowledged()
					.stream()
					.map((range) -> " " + range.partition() + ":" + range.from() + "-" + range.to())
					.collect(Collectors.joining());
	}

	/**
	 * Format the starter's sequence statistics as {@code SEQ checked gaps missing
	 * duplicates unresolved}.
	 */
	private static String sequenceLine(SequenceStatistics statistics) {
		return "SEQ " + statistics.checked() + " " + statistics.gaps() + " " + statistics.missingRecords() + " "
				+ statistics.duplicates() + " " + statistics.unresolvedRecords();
	}

	@Bean
	OutcomeWriter outcomeWriter(@Value("${chaos.log}") String log) {
		return new OutcomeWriter(Path.of(log));
	}

	@Bean
	RecordProcessor recordProcessor(OutcomeWriter log, @Value("${chaos.work:0ms}") Duration work) {
		return new RecordProcessor(log, work);
	}

	static class RecordProcessor implements ConsumerSeekAware {

		private final OutcomeWriter log;

		private final long workNanos;

		RecordProcessor(OutcomeWriter log, Duration work) {
			this.log = log;
			this.workNanos = work.toNanos();
		}

		// idIsGroup = false: the group is spring.kafka.consumer.group-id, unique per
		// scenario, not the listener id
		@KafkaListener(id = "chaos", idIsGroup = false, topics = "${chaos.topic}")
		void process(ConsumerRecord<String, String> record) {
			if (SteadySender.isPoison(record.value())) {
				throw new IllegalStateException("Poison pill " + record.value());
			}
			if (this.workNanos > 0) {
				// Stands for the application's work on the record
				LockSupport.parkNanos(this.workNanos);
			}
			SequenceStamp stamp = SequenceStamp.from(record.headers());
			this.log.write("P " + SteadySender.idOf(record.value()) + " " + record.partition() + " " + record.offset()
					+ ((stamp != null) ? " " + stamp.producerHex() + " " + stamp.sequence() + replayed(record) : ""));
		}

		/**
		 * Mark a copy sent again from the send journal, which must never start a window
		 * of the sequence check.
		 */
		private static String replayed(ConsumerRecord<String, String> record) {
			return (record.headers().lastHeader(SequenceStamp.REPLAYED_HEADER) != null) ? " R" : "";
		}

		@Override
		public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
			this.log.write("ASSIGNED " + assignments.keySet()
				.stream()
				.map((partition) -> Integer.toString(partition.partition()))
				.sorted()
				.collect(Collectors.joining(",")));
		}

	}

}
