package dev.lossless.kafka.deadletter;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.SharedKafkaCluster;
import dev.lossless.kafka.idempotent.IdempotentProcessor;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.KafkaHeaders;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Dead letters inspected and redriven against a real broker: a poison pill redriven after
 * the fix is processed once and a second redrive does nothing; a filter leaves the
 * records it skips redrivable; a record that fails again returns with its redrive count
 * and is parked at the limit; a redrive stopped half-way and run again by a new
 * application republishes every record at least once, and the idempotent consumer
 * processes each once.
 */
class DeadLetterRedriveIntegrationTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private static EmbeddedKafkaCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = SharedKafkaCluster.get();
	}

	@Test
	void poisonPillRedrivenAfterTheFixIsProcessedOnceAndASecondRedriveDoesNothing() throws Exception {
		String topic = KafkaTestSupport.unique("orders");
		String deadLetterTopic = topic + "-dlt";
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		OrderListener.broken.add(topic + ":poison");
		try (ConfigurableApplicationContext context = run(WebApplicationType.SERVLET, topic,
				KafkaTestSupport.unique("group"), "lossless.kafka.consumer.retry.attempts=2", "server.port=0",
				"management.endpoints.web.exposure.include=health,deadletters",
				"management.endpoint.health.show-details=always");
				KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			send(producer, topic, "a", "poison", "b");
			await().atMost(WAIT).until(() -> effects(topic).size() == 2);
			DeadLetters deadLetters = context.getBean(DeadLetters.class);
			await().atMost(WAIT).until(() -> deadLetters.inspect(deadLetterTopic).records() == 1);

			DeadLetterTopicReport report = deadLetters.inspect(deadLetterTopic);
			assertThat(report.complete()).isTrue();
			assertThat(report.offsets()).isEqualTo(1);
			assertThat(report.byException()).containsExactly(Map.entry(IllegalStateException.class.getName(), 1L));
			assertThat(report.entries()).singleElement().satisfies((entry) -> {
				assertThat(entry.originalTopic()).isEqualTo(topic);
				assertThat(entry.originalPartition()).isZero();
				assertThat(entry.originalOffset()).isOne();
				assertThat(entry.key()).isEqualTo("key-poison");
				assertThat(entry.exceptionMessage()).contains("poison cannot be processed");
				assertThat(entry.value()).as("values hidden by default").isNull();
				assertThat(entry.redrives()).isZero();
			});
			assertThat(report.oldest()).isEqualTo(report.newest()).isNotNull();
			assertThat(deadLettersHealth(context).getStatus()).isEqualTo(Status.UP);
			assertThat(deadLettersHealth(context).getDetails()).containsEntry("offsets", Map.of(deadLetterTopic, 1L));
			assertThat(context.getBean(MeterRegistry.class)
				.get("lossless.kafka.dlt.offsets")
				.tag("topic", deadLetterTopic)
				.gauge()
				.value()).isEqualTo(1.0);

			JsonNode body = json.readTree(get(context, "/actuator/deadletters/" + deadLetterTopic).body());
			assertThat(body.get("entries").get(0).get("exceptionClass").asString())
				.isEqualTo(IllegalStateException.class.getName());
			assertThat(body.get("entries").get(0).get("value").isNull()).isTrue();
			assertThat(post(context, "/actuator/deadletters/" + deadLetterTopic).statusCode())
				.as("the redrive operation is closed by default")
				.isIn(404, 405);
			assertThat(get(context, "/actuator/deadletters/no-such-dlt").statusCode()).isEqualTo(400);

			OrderListener.broken.remove(topic + ":poison");
			RedriveResult first = deadLetters.redrive(deadLetterTopic, RedriveFilter.all());
			assertThat(first.error()).isNull();
			assertThat(first.republished()).isOne();
			assertThat(first.committed()).containsExactly(Map.entry(0, 1L));
			await().atMost(WAIT).until(() -> effects(topic).size() == 3);

			RedriveResult second = deadLetters.redrive(deadLetterTopic, RedriveFilter.all());
			assertThat(second.republished()).isZero();
			assertThat(second.alreadyRedriven()).isZero();
			List<ConsumerRecord<byte[], byte[]>> source = KafkaTestSupport.readAll(cluster.bootstrapServers(), topic,
					4);
			assertThat(source).hasSize(4);
			ConsumerRecord<byte[], byte[]> redriven = source.get(3);
			assertThat(redriven.key()).isEqualTo("key-poison".getBytes(StandardCharsets.UTF_8));
			assertThat(header(redriven, DeadLetterHeaders.REDRIVEN_FROM)).isEqualTo(deadLetterTopic + "-0@0");
			assertThat(header(redriven, DeadLetterHeaders.REDRIVE_COUNT)).isEqualTo("1");
			assertThat(header(redriven, "kafka_dlt-original-topic")).isNull();
			assertThat(effects(topic)).containsExactly("a", "b", "poison");
			assertThat(context.getBean(IdempotentProcessor.class).skipped()).isZero();
		}
	}

	@Test
	void filterLeavesSkippedDeadLettersRedrivableAndARecordFailingAgainIsParkedAtTheLimit() {
		String topic = KafkaTestSupport.unique("filtered");
		String deadLetterTopic = topic + "-dlt";
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		OrderListener.broken.addAll(List.of(topic + ":state-1", topic + ":arg-1", topic + ":state-2"));
		try (ConfigurableApplicationContext context = run(WebApplicationType.NONE, topic,
				KafkaTestSupport.unique("group"), "lossless.kafka.consumer.retry.attempts=2",
				"lossless.kafka.dlt.max-redrives=1");
				KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			send(producer, topic, "state-1", "arg-1", "state-2");
			DeadLetters deadLetters = context.getBean(DeadLetters.class);
			await().atMost(WAIT).until(() -> deadLetters.inspect(deadLetterTopic).records() == 3);
			assertThat(deadLetters.inspect(deadLetterTopic).byException()).containsExactly(
					Map.entry(IllegalArgumentException.class.getName(), 1L),
					Map.entry(IllegalStateException.class.getName(), 2L));

			RedriveResult filtered = deadLetters.redrive(deadLetterTopic,
					RedriveFilter.exceptionClass("IllegalArgumentException"));
			assertThat(filtered.republished()).isOne();
			assertThat(filtered.skipped()).isEqualTo(2);
			assertThat(filtered.committed()).as("not committed past the skipped record at offset 0")
				.containsExactly(Map.entry(0, 0L));
			await().atMost(WAIT).until(() -> deadLetters.inspect(deadLetterTopic).records() == 4);
			assertThat(deadLetters.inspect(deadLetterTopic).entries().get(3)).satisfies((again) -> {
				assertThat(again.key()).isEqualTo("key-arg-1");
				assertThat(again.redrives()).isOne();
			});

			RedriveResult all = deadLetters.redrive(deadLetterTopic, RedriveFilter.all());
			assertThat(all.republished()).as("state-1 and state-2").isEqualTo(2);
			assertThat(all.alreadyRedriven()).as("arg-1 at offset 1, redriven by the filtered redrive").isOne();
			assertThat(all.parked()).as("arg-1 failed again after its redrive, at the limit of 1").isOne();
			assertThat(all.committed()).containsExactly(Map.entry(0, 4L));
			await().atMost(WAIT).until(() -> deadLetters.inspect(deadLetterTopic).records() == 6);
			DeadLetterTopicReport report = deadLetters.inspect(deadLetterTopic);
			assertThat(report.parked()).as("arg-1 once, state-1 and state-2 after their redrive").isEqualTo(3);
			assertThat(effects(topic)).isEmpty();
		}
	}

	@Test
	void redriveStoppedHalfWayAndRunAgainRepublishesEveryRecordAndEachIsProcessedOnce() throws Exception {
		String topic = KafkaTestSupport.unique("bulk");
		String deadLetterTopic = topic + "-dlt";
		String database = KafkaTestSupport.unique("processed");
		cluster.createTopic(topic, 2, (short) 1, Map.of());
		cluster.createTopic(deadLetterTopic, 2, (short) 1,
				Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1", TopicConfig.RETENTION_BYTES_CONFIG, "-1"));
		int count = 200;
		try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.rawProducer(cluster.bootstrapServers())) {
			for (int i = 0; i < count; i++) {
				producer.send(deadLetter(deadLetterTopic, i % 2, topic, "p-" + i));
			}
			producer.flush();
		}
		AtomicReference<Object> stopped = new AtomicReference<>();
		String group = KafkaTestSupport.unique("group");
		try (ConfigurableApplicationContext context = run(WebApplicationType.NONE, topic, group,
				"lossless.kafka.dlt.redrive-batch-size=1",
				"spring.datasource.url=jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1")) {
			DeadLetters deadLetters = context.getBean(DeadLetters.class);
			assertThat(deadLetters.inspect(deadLetterTopic).records()).isEqualTo(count);
			Thread redrive = new Thread(() -> {
				try {
					stopped.set(deadLetters.redrive(deadLetterTopic, RedriveFilter.all()));
				}
				catch (RuntimeException ex) {
					stopped.set(ex);
				}
			});
			redrive.start();
			await().atMost(WAIT).until(() -> effects(topic).size() >= 20 || !redrive.isAlive());
			redrive.interrupt();
			redrive.join(WAIT.toMillis());
			assertThat(redrive.isAlive()).isFalse();
		}
		int processedBefore = new HashSet<>(effects(topic)).size();
		assertThat(processedBefore).as("processed before the stop").isPositive();
		try (ConfigurableApplicationContext restarted = run(WebApplicationType.NONE, topic, group,
				"spring.datasource.url=jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1")) {
			DeadLetters deadLetters = restarted.getBean(DeadLetters.class);
			RedriveResult rest = deadLetters.redrive(deadLetterTopic, RedriveFilter.all());
			assertThat(rest.error()).isNull();
			await().atMost(WAIT).until(() -> new HashSet<>(effects(topic)).size() == count);
			Set<String> redrivenFrom = new HashSet<>();
			long republished = 0;
			try (KafkaConsumer<byte[], byte[]> consumer = reader()) {
				consumer.subscribe(List.of(topic));
				long end = System.nanoTime() + WAIT.toNanos();
				while (redrivenFrom.size() < count && System.nanoTime() < end) {
					for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
						String from = header(record, DeadLetterHeaders.REDRIVEN_FROM);
						if (from != null) {
							redrivenFrom.add(from);
							republished++;
						}
					}
				}
			}
			assertThat(redrivenFrom).as("every dead letter republished at least once").hasSize(count);
			assertThat(effects(topic)).as("each processed once").hasSize(count).doesNotHaveDuplicates();
			System.out.println("Redrive stopped half-way: " + stopped.get() + "; then " + rest + "; " + republished
					+ " records republished for " + count + " dead letters, processed before the stop: "
					+ processedBefore);

			// a lost commit (the worst case of a crash): every record is republished
			// again
			try (Admin admin = cluster.createAdmin()) {
				admin.deleteConsumerGroups(List.of(DeadLetterRedriver.GROUP_PREFIX + deadLetterTopic)).all().get();
			}
			IdempotentProcessor processor = restarted.getBean(IdempotentProcessor.class);
			long skippedBefore = processor.skipped();
			RedriveResult again = deadLetters.redrive(deadLetterTopic, RedriveFilter.all());
			assertThat(again.republished()).isEqualTo(count);
			await().atMost(WAIT).until(() -> processor.skipped() - skippedBefore == count);
			assertThat(effects(topic)).as("each still processed once").hasSize(count).doesNotHaveDuplicates();
		}
	}

	private static ConfigurableApplicationContext run(WebApplicationType type, String topic, String group,
			String... extraProperties) {
		List<String> properties = new ArrayList<>(List.of(
				"spring.kafka.bootstrap-servers=" + cluster.bootstrapServers(),
				"spring.kafka.consumer.group-id=" + group, "lossless.kafka.consumer.retry.initial-interval=50ms",
				"lossless.kafka.consumer.retry.max-interval=100ms",
				// a retry seeks back, and the next fetch waits behind the one in flight:
				// on an idle partition for fetch.max.wait.ms (500 ms)
				"spring.kafka.consumer.fetch-max-wait=100ms",
				"lossless.kafka.accepted-risks=topic.replication-factor,topic.min-insync-replicas",
				"test.topic=" + topic));
		properties.addAll(List.of(extraProperties));
		return KafkaTestSupport.run(type, OrdersApplication.class, properties.toArray(String[]::new));
	}

	private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String... values) {
		for (String value : values) {
			producer.send(new ProducerRecord<>(topic, ("key-" + value).getBytes(StandardCharsets.UTF_8),
					value.getBytes(StandardCharsets.UTF_8)));
		}
		producer.flush();
	}

	private static ProducerRecord<byte[], byte[]> deadLetter(String deadLetterTopic, int partition, String topic,
			String value) {
		ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(deadLetterTopic, partition,
				("key-" + value).getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
		record.headers()
			.add(KafkaHeaders.DLT_ORIGINAL_TOPIC, topic.getBytes(StandardCharsets.UTF_8))
			.add(KafkaHeaders.DLT_EXCEPTION_FQCN,
					IllegalStateException.class.getName().getBytes(StandardCharsets.UTF_8));
		return record;
	}

	private static KafkaConsumer<byte[], byte[]> reader() {
		return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
				ConsumerConfig.GROUP_ID_CONFIG, KafkaTestSupport.unique("reader"),
				ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
				ByteArrayDeserializer.class, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
				ByteArrayDeserializer.class));
	}

	private static Queue<String> effects(String topic) {
		return OrderListener.effects.computeIfAbsent(topic, (name) -> new ConcurrentLinkedQueue<>());
	}

	private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

	private static Health deadLettersHealth(ConfigurableApplicationContext context) {
		CompositeHealthContributor reliability = context.getBean("kafkaReliabilityHealthContributor",
				CompositeHealthContributor.class);
		return ((HealthIndicator) reliability.getContributor("deadLetters")).health();
	}

	private static HttpResponse<String> get(ConfigurableApplicationContext context, String path) throws Exception {
		return http.send(HttpRequest.newBuilder(uri(context, path)).timeout(WAIT).GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static HttpResponse<String> post(ConfigurableApplicationContext context, String path) throws Exception {
		return http.send(HttpRequest.newBuilder(uri(context, path))
			.timeout(WAIT)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static URI uri(ConfigurableApplicationContext context, String path) {
		return URI.create("http://localhost:" + context.getEnvironment().getProperty("local.server.port") + path);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(OrderListener.class)
	static class OrdersApplication {

	}

	static class OrderListener {

		static final Set<String> broken = ConcurrentHashMap.newKeySet();

		static final Map<String, Queue<String>> effects = new ConcurrentHashMap<>();

		private final IdempotentProcessor processor;

		OrderListener(IdempotentProcessor processor) {
			this.processor = processor;
		}

		@KafkaListener(id = "orders", topics = "${test.topic}")
		void listen(ConsumerRecord<String, String> record) {
			String value = record.value();
			if (broken.contains(record.topic() + ":" + value)) {
				if (value.startsWith("arg")) {
					throw new IllegalArgumentException(value + " cannot be processed");
				}
				throw new IllegalStateException(value + " cannot be processed");
			}
			this.processor.processOnce(record, () -> effects(record.topic()).add(value));
		}

	}

}
