package dev.lossless.kafka.testcluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Producer and consumer helpers shared by the cluster tests.
 *
 * @author Lossless Kafka team
 */
final class RecordChecks {

	private RecordChecks() {
	}

	static KafkaProducer<String, String> durableProducer(String bootstrapServers) {
		Properties properties = new Properties();
		properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		properties.put(ProducerConfig.ACKS_CONFIG, "all");
		properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
		properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
		properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
		properties.put(ProducerConfig.LINGER_MS_CONFIG, "5");
		return new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer());
	}

	static List<Future<RecordMetadata>> send(KafkaProducer<String, String> producer, String topic, int from, int to) {
		List<Future<RecordMetadata>> futures = new ArrayList<>();
		for (int i = from; i < to; i++) {
			String value = Integer.toString(i);
			futures.add(producer.send(new ProducerRecord<>(topic, value, value)));
		}
		return futures;
	}

	/**
	 * Read every partition of the topic from the beginning until {@code expected} records
	 * arrived, and return the values.
	 */
	static List<String> readAll(String bootstrapServers, String topic, int partitions, int expected) {
		Properties properties = new Properties();
		properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		List<String> values = new ArrayList<>();
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
				new StringDeserializer())) {
			List<TopicPartition> assignment = IntStream.range(0, partitions)
				.mapToObj((partition) -> new TopicPartition(topic, partition))
				.toList();
			consumer.assign(assignment);
			consumer.seekToBeginning(assignment);
			await().atMost(Duration.ofSeconds(60)).pollInSameThread().until(() -> {
				for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
					values.add(record.value());
				}
				return values.size() >= expected;
			});
			// Pick up anything beyond the expected count (duplicates)
			for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
				values.add(record.value());
			}
		}
		return values;
	}

	static void assertExactlyOnce(List<String> values, int count) {
		Set<Integer> expected = IntStream.range(0, count).boxed().collect(Collectors.toCollection(TreeSet::new));
		Map<String, Integer> occurrences = new HashMap<>();
		values.forEach((value) -> occurrences.merge(value, 1, Integer::sum));
		Set<Integer> missing = new TreeSet<>(expected);
		values.forEach((value) -> missing.remove(Integer.valueOf(value)));
		Set<String> duplicates = occurrences.entrySet()
			.stream()
			.filter((entry) -> entry.getValue() > 1)
			.map(Map.Entry::getKey)
			.collect(Collectors.toCollection(TreeSet::new));
		assertThat(missing).as("missing records").isEmpty();
		assertThat(duplicates).as("duplicated records").isEmpty();
		assertThat(values).hasSize(count);
	}

}
