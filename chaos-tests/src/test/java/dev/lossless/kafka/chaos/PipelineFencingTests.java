package dev.lossless.kafka.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The nemesis's exactly-once pipeline ends its process when its producer is fenced (the
 * starter stops its container), so that the nemesis restarts it as an orchestrator would:
 * a pipeline left running with a stopped container transforms nothing more.
 *
 * @author Lossless Kafka team
 */
class PipelineFencingTests {

	@Test
	void aFencedPipelineEndsItsProcess(@TempDir Path dir) throws Exception {
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		String input = "fencing-" + suffix;
		String output = input + "-eos";
		String prefix = "fencing-" + suffix + "-";
		try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.builder().brokers(3).start()) {
			cluster.createTopic(input, 1, (short) 3, Map.of("min.insync.replicas", "2"));
			cluster.createTopic(output, 1, (short) 3, Map.of("min.insync.replicas", "2"));
			Path log = dir.resolve("pipeline.log");
			List<String> arguments = new ArrayList<>(
					List.of("--spring.kafka.bootstrap-servers=" + cluster.bootstrapServers(),
							"--spring.kafka.consumer.group-id=fencing-group-" + suffix, "--chaos.topic=" + input,
							"--chaos.log=" + log, "--chaos.output=" + output, "--spring.main.banner-mode=off",
							"--lossless.kafka.exactly-once.enabled=true",
							"--spring.kafka.producer.transaction-id-prefix=" + prefix));
			ScenarioRun.CONSUMER_PROPERTIES.forEach((property) -> arguments.add("--" + property));
			try (AppProcess pipeline = AppProcess.start("pipeline", dir, ChaosPipelineApplication.class, arguments);
					KafkaProducer<String, String> producer = new KafkaProducer<>(
							Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()),
							new StringSerializer(), new StringSerializer())) {
				for (long id = 1; id <= 10; id++) {
					producer.send(new ProducerRecord<>(input, String.valueOf(id), String.valueOf(id))).get();
				}
				await("the pipeline's first transaction").atMost(Duration.ofMinutes(4))
					.pollInterval(Duration.ofSeconds(1))
					.until(() -> committedOutput(cluster, output) >= 10);
				// a producer with the pipeline's transactional.id fences the pipeline's
				try (KafkaProducer<String, String> fencer = new KafkaProducer<>(
						Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
								ProducerConfig.TRANSACTIONAL_ID_CONFIG, prefix + "0"),
						new StringSerializer(), new StringSerializer())) {
					fencer.initTransactions();
				}
				for (long id = 11; id <= 20; id++) {
					producer.send(new ProducerRecord<>(input, String.valueOf(id), String.valueOf(id))).get();
				}
				assertThat(pipeline.awaitExit(Duration.ofMinutes(3))).as("exit status of the fenced pipeline")
					.isEqualTo(ChaosPipelineApplication.STOPPED_STATUS);
				assertThat(Files.readAllLines(log)).anyMatch((line) -> line.startsWith("STOPPED"));
			}
		}
	}

	private static int committedOutput(EmbeddedKafkaCluster cluster, String topic) {
		Map<String, Object> configs = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
				ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(configs, new StringDeserializer(),
				new StringDeserializer())) {
			List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0));
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			return consumer.poll(Duration.ofSeconds(5)).count();
		}
	}

}
