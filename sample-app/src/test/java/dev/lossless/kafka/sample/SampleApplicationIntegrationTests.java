package dev.lossless.kafka.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

import dev.lossless.kafka.idempotent.MessageIds;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for {@link SampleApplication}, against the embedded three-broker
 * cluster that {@link EmbeddedKafkaClusterInitializer} starts.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "lossless.kafka.consumer.retry.initial-interval=100ms",
				// the send journal needs no directory: a test gets a temporary one of its
				// own
				"lossless.kafka.consumer.retry.max-interval=200ms" })
// Close the context, and so the cluster, after the class rather than at JVM exit, where
// Kafka's own shutdown hook deletes the brokers' directories while they shut down
@DirtiesContext
class SampleApplicationIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final String DEAD_LETTER_TOPIC = "orders-dlt";

	@LocalServerPort
	private int port;

	@Value("${spring.kafka.bootstrap-servers}")
	private String bootstrapServers;

	@Autowired
	private ProcessedOrders processedOrders;

	private RestClient client;

	@BeforeEach
	void createClient() {
		this.client = RestClient.builder()
			.baseUrl("http://localhost:" + this.port)
			.defaultStatusHandler((status) -> true, (request, response) -> {
			})
			.build();
	}

	@Test
	void ordersAreProcessedAndPoisonRecordsAreDeadLettered() {
		String run = UUID.randomUUID().toString().substring(0, 8);
		List<String> goodIds = IntStream.rangeClosed(1, 20).mapToObj((i) -> run + "-good-" + i).toList();
		for (String id : goodIds) {
			ResponseEntity<JsonNode> response = placeOrder(new Order(id, "widget", 2));
			assertThat(response.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
			JsonNode receipt = response.getBody();
			assertThat(receipt).isNotNull();
			assertThat(receipt.get("id").asString()).isEqualTo(id);
			assertThat(UUID.fromString(receipt.get("messageId").asString())).isNotNull();
		}
		String poisonId = run + "-poison";
		assertThat(placeOrder(new Order(poisonId, "widget", 0)).getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
		String malformedKey = run + "-malformed";
		byte[] malformed = "{\"id\": \"not json".getBytes(StandardCharsets.UTF_8);
		sendRaw(malformedKey, malformed, null);

		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(goodIds).allMatch(this.processedOrders::contains));
		assertThat(this.processedOrders.contains(poisonId)).isFalse();
		JsonNode processed = get("/orders/processed").getBody();
		assertThat(processed).isNotNull();
		assertThat(processed.get("processed").asLong()).isGreaterThanOrEqualTo(20);

		List<ConsumerRecord<String, byte[]>> deadLetters = awaitDeadLetters(poisonId, malformedKey);
		ConsumerRecord<String, byte[]> poison = recordWithKey(deadLetters, poisonId);
		assertThat(header(poison, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo("orders");
		assertThat(header(poison, KafkaHeaders.DLT_EXCEPTION_FQCN))
			.isEqualTo(ListenerExecutionFailedException.class.getName());
		assertThat(header(poison, KafkaHeaders.DLT_EXCEPTION_CAUSE_FQCN))
			.isEqualTo(IllegalArgumentException.class.getName());
		assertThat(header(poison, KafkaHeaders.DLT_EXCEPTION_MESSAGE)).contains("must be positive");
		assertThat(new String(poison.value(), StandardCharsets.UTF_8)).contains(poisonId);
		ConsumerRecord<String, byte[]> malformedRecord = recordWithKey(deadLetters, malformedKey);
		assertThat(header(malformedRecord, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo("orders");
		assertThat(header(malformedRecord, KafkaHeaders.DLT_EXCEPTION_FQCN))
			.isEqualTo(DeserializationException.class.getName());
		assertThat(malformedRecord.value()).isEqualTo(malformed);
	}

	@Test
	void anOrderPublishedTwiceIsProcessedOnceAndAnIdPlacedTwiceIsRefused() {
		String id = UUID.randomUUID().toString().substring(0, 8) + "-twice";
		ResponseEntity<JsonNode> placed = placeOrder(new Order(id, "lamp", 1));
		assertThat(placed.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
		String messageId = placed.getBody().get("messageId").asString();
		assertThat(placeOrder(new Order(id, "lamp", 5)).getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
		await().atMost(TIMEOUT).until(() -> this.processedOrders.contains(id));
		long duplicates = this.processedOrders.summary().duplicates();
		// what the outbox relay sends again after a crash between the send and marking
		// the row sent
		sendRaw(id, "{\"id\":\"%s\",\"item\":\"lamp\",\"quantity\":1}".formatted(id).getBytes(StandardCharsets.UTF_8),
				messageId);
		await().atMost(TIMEOUT).until(() -> this.processedOrders.summary().duplicates() > duplicates);
		assertThat(this.processedOrders.summary().quantityByItem()).containsEntry("lamp", 1L);
	}

	@Test
	void orderWithoutIdIsRefused() {
		assertThat(placeOrder(new Order("", "widget", 1)).getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
	}

	@Test
	void kafkaReliabilityHealthIsUp() {
		await().atMost(TIMEOUT).untilAsserted(() -> {
			JsonNode health = get("/actuator/health").getBody();
			assertThat(health).isNotNull();
			assertThat(health.at("/components/kafkaReliability/status").asString()).isEqualTo("UP");
			assertThat(health.at("/components/kafkaReliability/components/topics/status").asString()).isEqualTo("UP");
			assertThat(health.at("/components/kafkaReliability/components/outbox/status").asString()).isEqualTo("UP");
		});
	}

	@Test
	void kafkaReliabilityEndpointReportsTheRulesPassing() {
		ResponseEntity<JsonNode> response = get("/actuator/kafkareliability");
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		JsonNode report = response.getBody();
		assertThat(report).isNotNull();
		assertThat(report.get("status").asString()).isEqualTo("PASS");
		List<JsonNode> rules = StreamSupport.stream(report.get("rules").spliterator(), false).toList();
		assertThat(rules).filteredOn((rule) -> rule.get("id").asString().equals("producer.acks"))
			.isNotEmpty()
			.allSatisfy((rule) -> assertThat(rule.get("status").asString()).isEqualTo("PASS"));
		assertThat(rules)
			.filteredOn((rule) -> rule.get("id").asString().equals("topic.replication-factor")
					&& rule.get("subject").asString().equals("orders"))
			.singleElement()
			.satisfies((rule) -> {
				assertThat(rule.get("status").asString()).isEqualTo("PASS");
				assertThat(rule.get("actual").asString()).isEqualTo("3");
			});
		assertThat(rules)
			.filteredOn((rule) -> rule.get("id").asString().equals("topic.exists")
					&& rule.get("subject").asString().equals(DEAD_LETTER_TOPIC))
			.singleElement()
			.satisfies((rule) -> assertThat(rule.get("status").asString()).isEqualTo("PASS"));
	}

	private ResponseEntity<JsonNode> placeOrder(Order order) {
		return this.client.post()
			.uri("/orders")
			.contentType(MediaType.APPLICATION_JSON)
			.body(order)
			.retrieve()
			.toEntity(JsonNode.class);
	}

	private ResponseEntity<JsonNode> get(String path) {
		return this.client.get().uri(path).retrieve().toEntity(JsonNode.class);
	}

	private void sendRaw(String key, byte[] value, @Nullable String messageId) {
		Map<String, Object> configs = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers,
				ProducerConfig.ACKS_CONFIG, "all");
		try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(configs, new StringSerializer(),
				new ByteArraySerializer())) {
			ProducerRecord<String, byte[]> record = new ProducerRecord<>("orders", key, value);
			if (messageId != null) {
				record.headers().add(MessageIds.HEADER, messageId.getBytes(StandardCharsets.UTF_8));
			}
			producer.send(record).get(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Failed to send a record with key " + key, ex);
		}
	}

	private List<ConsumerRecord<String, byte[]>> awaitDeadLetters(String... keys) {
		Map<String, Object> configs = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers,
				ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
		try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(configs, new StringDeserializer(),
				new ByteArrayDeserializer())) {
			List<TopicPartition> partitions = consumer.partitionsFor(DEAD_LETTER_TOPIC)
				.stream()
				.map((info) -> new TopicPartition(info.topic(), info.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			// The consumer is not thread-safe: poll it on this thread
			await().atMost(TIMEOUT).pollInSameThread().untilAsserted(() -> {
				consumer.poll(Duration.ofMillis(200)).forEach(records::add);
				assertThat(records).extracting(ConsumerRecord::key).contains(keys);
			});
		}
		return records;
	}

	private static ConsumerRecord<String, byte[]> recordWithKey(List<ConsumerRecord<String, byte[]>> records,
			String key) {
		return records.stream()
			.filter((record) -> key.equals(record.key()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No dead letter with key " + key));
	}

	private static String header(ConsumerRecord<?, ?> record, String name) {
		Header header = record.headers().lastHeader(name);
		assertThat(header).as("header %s", name).isNotNull();
		return new String(header.value(), StandardCharsets.UTF_8);
	}

}
