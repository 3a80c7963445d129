package dev.lossless.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.lossless.kafka.autoconfigure.LosslessKafkaAutoConfiguration;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

import static org.awaitility.Awaitility.await;

/**
 * Helpers for tests against a real broker: unique names, applications started as real
 * Spring Boot applications, raw clients that bypass the starter to write and read exactly
 * what the test means.
 */
public final class KafkaTestSupport {

	/**
	 * The bound on every wait in a test: generous, for a loaded 2-core machine.
	 */
	public static final Duration WAIT = Duration.ofSeconds(60);

	/**
	 * The property that sets the send journal's directory.
	 */
	public static final String JOURNAL_DIRECTORY = "lossless.kafka.producer.journal.directory";

	private KafkaTestSupport() {
	}

	/**
	 * Return a name unique to this run.
	 * @param prefix the prefix
	 * @return the name
	 */
	public static String unique(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	/**
	 * Start an application with the given properties, without a web server.
	 * @param application the application's configuration class
	 * @param properties {@code key=value} properties
	 * @return the running application
	 */
	public static ConfigurableApplicationContext run(Class<?> application, String... properties) {
		return run(WebApplicationType.NONE, application, properties);
	}

	/**
	 * Start an application with the given properties.
	 * @param type the kind of web application
	 * @param application the application's configuration class
	 * @param properties {@code key=value} properties
	 * @return the running application
	 */
	public static ConfigurableApplicationContext run(WebApplicationType type, Class<?> application,
			String... properties) {
		SpringApplication springApplication = new SpringApplicationBuilder(application).web(type)
			.properties(withOwnJournal(properties))
			.build();
		return springApplication.run();
	}

	/**
	 * Return the properties with a send journal directory of their own, unless they name
	 * one: an application must not replay what another test journaled.
	 * @param properties {@code key=value} properties
	 * @return the properties
	 */
	public static String[] withOwnJournal(String... properties) {
		if (Arrays.stream(properties).anyMatch((property) -> property.startsWith(JOURNAL_DIRECTORY + "="))) {
			return properties;
		}
		String[] withJournal = Arrays.copyOf(properties, properties.length + 1);
		withJournal[properties.length] = JOURNAL_DIRECTORY + "=" + newJournalDirectory();
		return withJournal;
	}

	/**
	 * Create a context runner with the starter and Spring Boot's Kafka
	 * auto-configuration, brokers that do not answer, listeners that do not start and an
	 * own send journal: for tests of wiring and startup rules.
	 * @return the runner
	 */
	public static ApplicationContextRunner starterContextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(LosslessKafkaAutoConfiguration.class, KafkaAutoConfiguration.class))
			.withPropertyValues("spring.kafka.bootstrap-servers=127.0.0.1:1",
					"spring.kafka.listener.auto-startup=false", "lossless.kafka.topics.timeout=200ms",
					"lossless.kafka.dlt.auto-create=false", JOURNAL_DIRECTORY + "=" + newJournalDirectory());
	}

	/**
	 * Create a new empty directory for a send journal.
	 * @return the directory
	 */
	public static Path newJournalDirectory() {
		try {
			return Files.createTempDirectory("lossless-journal");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Create a raw producer of bytes with durable settings.
	 * @param bootstrapServers the brokers
	 * @return the producer
	 */
	public static KafkaProducer<byte[], byte[]> rawProducer(String bootstrapServers) {
		return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
				ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
				ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
	}

	/**
	 * Read records from the start of a topic until {@code expected} records are read.
	 * @param bootstrapServers the brokers
	 * @param topic the topic
	 * @param expected how many records to wait for
	 * @return the records
	 */
	public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrapServers, String topic, int expected) {
		List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ConsumerConfig.GROUP_ID_CONFIG,
						unique("reader"), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
						ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
						ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
						ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
			consumer.subscribe(List.of(topic));
			await().atMost(WAIT).until(() -> {
				consumer.poll(Duration.ofMillis(200)).forEach(records::add);
				return records.size() >= expected;
			});
		}
		return records;
	}

	/**
	 * Run a first transaction, so that the brokers create the transaction state log and
	 * elect its coordinators outside the bounded waits of the tests.
	 * @param bootstrapServers the brokers
	 */
	public static void createTransactionStateLog(String bootstrapServers) {
		Map<String, Object> configs = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				ProducerConfig.TRANSACTIONAL_ID_CONFIG, unique("warm-up"), ProducerConfig.MAX_BLOCK_MS_CONFIG,
				(int) Duration.ofMinutes(3).toMillis());
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(configs, new ByteArraySerializer(),
				new ByteArraySerializer())) {
			producer.initTransactions();
			producer.beginTransaction();
			producer.commitTransaction();
		}
	}

	/**
	 * Return the offset a consumer group committed for a partition.
	 * @param bootstrapServers the brokers
	 * @param group the group
	 * @param partition the partition
	 * @return the committed offset, or -1 when there is none
	 * @throws Exception when the brokers cannot tell
	 */
	public static long committedOffset(String bootstrapServers, String group, TopicPartition partition)
			throws Exception {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
			OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group)
				.partitionsToOffsetAndMetadata()
				.get()
				.get(partition);
			return (committed != null) ? committed.offset() : -1;
		}
	}

}
