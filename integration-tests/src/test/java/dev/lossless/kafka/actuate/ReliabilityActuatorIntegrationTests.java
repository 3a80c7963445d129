package dev.lossless.kafka.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.SharedKafkaCluster;
import dev.lossless.kafka.producer.JournalEntry;
import dev.lossless.kafka.producer.SendJournalReplayer;
import dev.lossless.kafka.producer.SendJournalStore;
import dev.lossless.kafka.sequence.SequenceStamp;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.MessageListenerContainer;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The {@code kafkareliability} endpoint and the {@code kafkaReliability} health over
 * HTTP, against a real broker.
 */
class ReliabilityActuatorIntegrationTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private static EmbeddedKafkaCluster cluster;

	private static ConfigurableApplicationContext application;

	private static String topic;

	private static String group;

	@BeforeAll
	static void start() {
		cluster = SharedKafkaCluster.get();
		topic = KafkaTestSupport.unique("orders");
		group = KafkaTestSupport.unique("group");
		cluster.createTopic(topic, 2, (short) 1, Map.of());
		application = KafkaTestSupport.run(WebApplicationType.SERVLET, OrdersApplication.class, "server.port=0",
				"spring.kafka.bootstrap-servers=" + cluster.bootstrapServers(),
				"spring.kafka.consumer.group-id=" + group, "spring.kafka.producer.properties.max.block.ms=1000",
				"lossless.kafka.accepted-risks=topic.replication-factor:" + topic + ",topic.replication-factor:" + topic
						+ "-dlt,topic.min-insync-replicas",
				"management.endpoints.web.exposure.include=health,kafkareliability",
				"management.endpoint.kafkareliability.access=unrestricted",
				"management.endpoint.health.show-details=always", "test.topic=" + topic);
	}

	@AfterAll
	static void stop() {
		if (application != null) {
			application.close();
		}
	}

	@Test
	void auditEndpointShowsEveryRuleWithExpectedActualAndVerdict() throws Exception {
		HttpResponse<String> response = get("/actuator/kafkareliability");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode body = json.readTree(response.body());
		assertThat(body.get("enforcement").asString()).isEqualTo("fail");
		assertThat(body.get("status").asString()).isEqualTo("PASS");
		assertThat(body.get("rules")).allSatisfy((rule) -> {
			assertThat(rule.get("id").asString()).isNotEmpty();
			assertThat(rule.get("stage").asString()).isIn("producer", "broker", "consumer");
			assertThat(rule.get("expected").asString()).isNotEmpty();
			assertThat(rule.get("actual").asString()).isNotEmpty();
			assertThat(rule.get("rationale").asString()).isNotEmpty();
			assertThat(rule.get("status").asString()).isIn("PASS", "ACCEPTED");
		});
		assertThat(rule(body, "producer.acks", "kafkaProducerFactory").get("status").asString()).isEqualTo("PASS");
		assertThat(rule(body, "consumer.isolation-level", "kafkaConsumerFactory").get("actual").asString())
			.isEqualTo("read_committed");
		assertThat(rule(body, "listener.error-handler", "orders").get("actual").asString())
			.isEqualTo("DeadLetteringErrorHandler");
		JsonNode replication = rule(body, "topic.replication-factor", topic);
		assertThat(replication.get("stage").asString()).isEqualTo("broker");
		assertThat(replication.get("actual").asString()).isEqualTo("1");
		assertThat(replication.get("expected").asString()).isEqualTo(">= 3");
		assertThat(replication.get("status").asString()).isEqualTo("ACCEPTED");
		assertThat(rule(body, "topic.exists", topic + "-dlt").get("status").asString()).isEqualTo("PASS");
	}

	@Test
	void healthIsUpWithProducerConsumerAndTopicsComponents() throws Exception {
		JsonNode reliability = reliabilityHealth();
		assertThat(reliability.get("status").asString()).isEqualTo("UP");
		// H2 is on the test class path: the application has an embedded DataSource, so
		// the outbox
		assertThat(reliability.get("components").propertyNames()).containsExactlyInAnyOrder("producer", "consumer",
				"topics", "sequence", "lag", "outbox", "deadLetters", "workers");
		assertThat(reliability.at("/components/workers/status").asString()).isEqualTo("UP");
		assertThat(reliability.at("/components/workers/details/send-journal-replayer/alive").asBoolean()).isTrue();
		assertThat(reliability.at("/components/outbox/status").asString()).isEqualTo("UP");
		assertThat(reliability.at("/components/consumer/details/containers/orders/running").asBoolean()).isTrue();
	}

	@Test
	void healthIsDownWhileAListenerContainerIsStopped() throws Exception {
		MessageListenerContainer container = application.getBean(KafkaListenerEndpointRegistry.class)
			.getListenerContainer("orders");
		container.stop();
		try {
			HttpResponse<String> response = get("/actuator/health");
			assertThat(response.statusCode()).isEqualTo(503);
			JsonNode consumer = json.readTree(response.body()).at("/components/kafkaReliability/components/consumer");
			assertThat(consumer.get("status").asString()).isEqualTo("DOWN");
			assertThat(consumer.at("/details/containers/orders/reason").asString()).isEqualTo("not running");
		}
		finally {
			container.start();
		}
		await().atMost(WAIT).until(() -> "UP".equals(reliabilityHealth().get("status").asString()));
	}

	@Test
	void healthIsDownWhileSendsFail() throws Exception {
		KafkaTemplate<Object, Object> template = kafkaTemplate();
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> template.send(KafkaTestSupport.unique("missing"), "order").get());
		JsonNode producer = reliabilityHealth().at("/components/producer");
		assertThat(producer.get("status").asString()).isEqualTo("DOWN");
		assertThat(producer.at("/details/reason").asString()).contains("send(s) failed");
		assertThat(producer.at("/details/lastFailure/exception").asString()).contains("not present in metadata");
		template.send(topic, "order").get();
		// spring-kafka completes the send's future before it calls the producer listener
		await().atMost(WAIT)
			.untilAsserted(
					() -> assertThat(reliabilityHealth().at("/components/producer/status").asString()).isEqualTo("UP"));
	}

	@Test
	void sequenceGapMakesTheHealthDownUntilAnOperatorAcknowledgesItPartitionByPartition() throws Exception {
		try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			for (long sequence : new long[] { 0, 1, 4 }) {
				RecordHeaders headers = new RecordHeaders();
				headers.add(SequenceStamp.HEADER, new SequenceStamp(0xabcL, sequence).toBytes());
				producer.send(new ProducerRecord<>(topic, 1, null, null, new byte[1], headers));
			}
			for (long sequence : new long[] { 0, 2 }) {
				RecordHeaders headers = new RecordHeaders();
				headers.add(SequenceStamp.HEADER, new SequenceStamp(0xdefL, sequence).toBytes());
				producer.send(new ProducerRecord<>(topic, 0, null, null, new byte[1], headers));
			}
			producer.flush();
		}
		await().atMost(WAIT)
			.until(() -> reliabilityHealth().at("/components/sequence/details/reason")
				.asString("")
				.startsWith("3 record(s) missing"));
		JsonNode sequence = reliabilityHealth().at("/components/sequence");
		assertThat(sequence.get("status").asString()).isEqualTo("DOWN");
		// the checker names the group after the listener container
		String checkedGroup = sequence.at("/details/unresolved/0/group").asString();

		HttpResponse<String> acknowledged = send(HttpRequest
			.newBuilder(uri("/actuator/kafkareliability/sequence-gaps?group=" + checkedGroup + "&topic=" + topic
					+ "&partition=1"))
			.DELETE());
		assertThat(acknowledged.statusCode()).isEqualTo(200);
		JsonNode body = json.readTree(acknowledged.body());
		assertThat(body.get("acknowledged").asLong()).isEqualTo(2);
		assertThat(body.get("cleared").toString()).contains("producer 0000000000000abc, sequence 2 to 3");
		assertThat(body.get("remaining").asLong()).isEqualTo(1);
		JsonNode partly = reliabilityHealth().at("/components/sequence");
		assertThat(partly.get("status").asString()).isEqualTo("DOWN");
		assertThat(partly.at("/details/unresolved/0/producer").asString()).isEqualTo("0000000000000def");
		assertThat(partly.at("/details/unresolved/0/partition").asInt()).isZero();

		assertThat(send(HttpRequest
			.newBuilder(uri("/actuator/kafkareliability/sequence-gaps?group=" + checkedGroup + "&topic=" + topic
					+ "&partition=0"))
			.DELETE()).statusCode()).isEqualTo(200);
		JsonNode after = reliabilityHealth().at("/components/sequence");
		assertThat(after.get("status").asString()).isEqualTo("UP");
		assertThat(after.at("/details/gaps").asLong()).isEqualTo(2);
	}

	@Test
	void writeOperationsAreClosedUnlessTheApplicationOpensThem() throws Exception {
		String otherTopic = KafkaTestSupport.unique("orders");
		cluster.createTopic(otherTopic, 1, (short) 1, Map.of());
		try (ConfigurableApplicationContext readOnly = KafkaTestSupport.run(WebApplicationType.SERVLET,
				OrdersApplication.class, "server.port=0",
				"spring.kafka.bootstrap-servers=" + cluster.bootstrapServers(),
				"spring.kafka.consumer.group-id=" + KafkaTestSupport.unique("group"),
				"lossless.kafka.accepted-risks=topic.replication-factor,topic.min-insync-replicas",
				"management.endpoints.web.exposure.include=health,kafkareliability", "test.topic=" + otherTopic)) {
			int port = ((WebServerApplicationContext) readOnly).getWebServer().getPort();
			URI endpoint = URI.create("http://localhost:" + port + "/actuator/kafkareliability");
			assertThat(send(HttpRequest.newBuilder(endpoint)).statusCode()).isEqualTo(200);
			HttpResponse<String> delete = send(HttpRequest
				.newBuilder(URI.create(endpoint + "/sequence-gaps?group=g&topic=" + otherTopic + "&partition=0"))
				.DELETE());
			assertThat(delete.statusCode()).isIn(404, 405);
		}
	}

	@Test
	void stuckJournalLaneIsShownUntilAnOperatorMovesItToTheRejectedJournal() throws Exception {
		String missing = KafkaTestSupport.unique("missing");
		SendJournalStore store = application.getBean(SendJournalStore.class);
		store.journal()
			.append(new JournalEntry(missing, 0, null, new byte[1], List.of(), Instant.now(), "journaled by the test"));
		application.getBean(SendJournalReplayer.class).wakeUp();
		await().atMost(WAIT).until(() -> {
			JsonNode lane = reliabilityHealth().at("/components/producer/details/stuckLanes/0/topic");
			return !lane.isMissingNode() && missing.equals(lane.asString());
		});
		JsonNode producer = reliabilityHealth().at("/components/producer");
		assertThat(producer.get("status").asString()).isEqualTo("DOWN");
		assertThat(producer.at("/details/stuckLanes/0/partition").asInt()).isZero();
		assertThat(producer.at("/details/stuckLanes/0/entries").asLong()).isOne();
		assertThat(producer.at("/details/stuckLanes/0/error").asString()).contains("not present in metadata");

		HttpResponse<String> rejected = send(
				HttpRequest.newBuilder(uri("/actuator/kafkareliability/journal-lanes/reject"))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"topic\": \"" + missing + "\", \"partition\": 0}")));
		assertThat(rejected.statusCode()).isEqualTo(200);
		assertThat(json.readTree(rejected.body()).get("requested").asString()).isEqualTo("reject");
		assertThat(json.readTree(rejected.body()).get("applied").asBoolean()).isTrue();
		await().atMost(WAIT).until(() -> store.rejected().statistics().backlogEntries() == 1);
		await().atMost(WAIT)
			.until(() -> reliabilityHealth().at("/components/producer/details/stuckLanes").isMissingNode());
		assertThat(store.journal().statistics().backlogEntries()).isZero();
		HttpResponse<String> notStuck = send(
				HttpRequest.newBuilder(uri("/actuator/kafkareliability/journal-lanes/retry"))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"topic\": \"" + missing + "\", \"partition\": 0}")));
		assertThat(notStuck.statusCode()).isEqualTo(200);
		assertThat(json.readTree(notStuck.body()).get("applied").asBoolean()).isFalse();
	}

	@SuppressWarnings("unchecked")
	private static KafkaTemplate<Object, Object> kafkaTemplate() {
		return application.getBean(KafkaTemplate.class);
	}

	private static JsonNode rule(JsonNode body, String id, String subject) {
		for (JsonNode rule : body.get("rules")) {
			if (rule.get("id").asString().equals(id) && rule.get("subject").asString().equals(subject)) {
				return rule;
			}
		}
		throw new AssertionError("No rule " + id + " for " + subject + " in " + body);
	}

	private static JsonNode reliabilityHealth() throws Exception {
		return json.readTree(get("/actuator/health").body()).at("/components/kafkaReliability");
	}

	private static HttpResponse<String> get(String path) throws Exception {
		return send(HttpRequest.newBuilder(uri(path)));
	}

	private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
	}

	private static URI uri(String path) {
		int port = ((WebServerApplicationContext) application).getWebServer().getPort();
		return URI.create("http://127.0.0.1:" + port + path);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(OrderListener.class)
	static class OrdersApplication {

	}

	static class OrderListener {

		@KafkaListener(id = "orders", topics = "${test.topic}")
		void listen(String order) {
		}

	}

}
