package dev.lossless.kafka.producer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.SharedKafkaCluster;
import dev.lossless.kafka.rules.RuleResult;
import dev.lossless.kafka.rules.UnsafeKafkaSettingsException;
import dev.lossless.kafka.sequence.SequenceStamp;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A {@link KafkaTemplate} built with configuration overrides, as a bean or at run time:
 * judged by the rules (a bean at startup, one built at run time at its first send), and
 * its records stamped with its own serializers.
 */
class TemplateOverridesIntegrationTests {

	private static EmbeddedKafkaCluster cluster;

	private final ApplicationContextRunner contextRunner = KafkaTestSupport.starterContextRunner();

	@BeforeAll
	static void startCluster() {
		cluster = SharedKafkaCluster.get();
	}

	@Test
	void templateBeanWithAnUnsafeOverrideIsRefusedAtStartup() {
		this.contextRunner.withUserConfiguration(AcksOneTemplate.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().isInstanceOf(UnsafeKafkaSettingsException.class);
			UnsafeKafkaSettingsException failure = (UnsafeKafkaSettingsException) context.getStartupFailure()
				.getCause();
			assertThat(failure.getViolations()).extracting(RuleResult::id, RuleResult::subject)
				.containsExactlyInAnyOrder(tuple("producer.acks", "fastTemplate"),
						tuple("producer.idempotence", "fastTemplate"));
			// the starter's factory asks for idempotence, which Kafka refuses with acks=1
			assertThat(failure.getViolations()).filteredOn((violation) -> violation.id().equals("producer.idempotence"))
				.singleElement()
				.satisfies((violation) -> assertThat(violation.clientRefusal()).contains("acks=1"));
		});
	}

	@Test
	void templateBeanWithAnUnsafeOverrideStartsWhenItsRisksAreAcceptedForIt() {
		this.contextRunner.withUserConfiguration(AcksOneTemplate.class)
			.withPropertyValues("test.idempotence=false",
					"lossless.kafka.accepted-risks=producer.acks:fastTemplate,producer.idempotence:fastTemplate")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void templateBeanWithItsOwnKeySerializerStampsAndPartitionsWithIt() throws Exception {
		String topic = KafkaTestSupport.unique("overrides");
		cluster.createTopic(topic, 3, (short) 1, Map.of());
		try (ConfigurableApplicationContext context = KafkaTestSupport.run(IntegerKeysApplication.class,
				KafkaTestSupport.withOwnJournal("spring.kafka.bootstrap-servers=" + cluster.bootstrapServers()))) {
			@SuppressWarnings("unchecked")
			KafkaTemplate<Integer, String> template = context.getBean("integerKeys", KafkaTemplate.class);
			template.send(topic, 42, "answer").get(30, TimeUnit.SECONDS);
		}
		assertStampedAndPartitionedByIntegerKey(topic, 42);
	}

	@Test
	@SuppressWarnings("unchecked")
	void templateWithAnUnsafeOverrideIsRefusedAtItsFirstSend() {
		this.contextRunner.run((context) -> {
			ProducerFactory<Object, Object> factory = context.getBean(ProducerFactory.class);
			// the starter's factory asks for idempotence, which Kafka's client itself
			// refuses with acks=1
			KafkaTemplate<Object, Object> template = new KafkaTemplate<>(factory,
					Map.of(ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false));
			assertThatExceptionOfType(UnsafeKafkaSettingsException.class)
				.isThrownBy(() -> template.send("never-sent", "value"))
				.satisfies((ex) -> {
					assertThat(ex.getViolations()).extracting(RuleResult::id, RuleResult::subject)
						.containsExactlyInAnyOrder(tuple("producer.acks", "runtime-overrides"),
								tuple("producer.idempotence", "runtime-overrides"));
					assertThat(ex.getMessage()).contains("[producer.acks]", "acks = 1",
							"lossless.kafka.accepted-risks=producer.acks");
				});
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void copiedFactoryWithAnUnsafeOverrideIsRefusedAtItsFirstProducer() {
		this.contextRunner.run((context) -> {
			ProducerFactory<Object, Object> factory = context.getBean(ProducerFactory.class);
			ProducerFactory<Object, Object> copy = factory.copyWithConfigurationOverride(
					Map.of(ProducerConfig.RETRIES_CONFIG, 0, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false));
			assertThatExceptionOfType(UnsafeKafkaSettingsException.class).isThrownBy(copy::createProducer)
				.satisfies(
						(ex) -> assertThat(ex.getViolations()).extracting(RuleResult::id).contains("producer.retries"));
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void templateWithAnUnsafeOverrideSendsWhenItsRiskIsAccepted() {
		this.contextRunner.withPropertyValues(
				"lossless.kafka.accepted-risks=producer.acks:runtime-overrides,producer.idempotence:runtime-overrides")
			.run((context) -> {
				ProducerFactory<Object, Object> factory = context.getBean(ProducerFactory.class);
				KafkaTemplate<Object, Object> template = new KafkaTemplate<>(factory,
						Map.of(ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false));
				assertThat(template.getProducerFactory().createProducer()).isNotNull();
			});
	}

	@Test
	@SuppressWarnings({ "unchecked", "rawtypes" })
	void templateWithItsOwnKeySerializerStampsAndPartitionsWithIt() throws Exception {
		String topic = KafkaTestSupport.unique("runtime-overrides");
		cluster.createTopic(topic, 3, (short) 1, Map.of());
		try (ConfigurableApplicationContext context = KafkaTestSupport.run(StarterApplication.class,
				"spring.kafka.bootstrap-servers=" + cluster.bootstrapServers())) {
			ProducerFactory<Object, Object> factory = context.getBean(ProducerFactory.class);
			KafkaTemplate<Integer, String> template = new KafkaTemplate<>((ProducerFactory) factory,
					Map.of(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, IntegerSerializer.class));
			template.send(topic, 42, "answer").get(30, TimeUnit.SECONDS);
		}
		assertStampedAndPartitionedByIntegerKey(topic, 42);
	}

	private static void assertStampedAndPartitionedByIntegerKey(String topic, int integerKey) {
		List<ConsumerRecord<byte[], byte[]>> records = KafkaTestSupport.readAll(cluster.bootstrapServers(), topic, 1);
		assertThat(records).singleElement().satisfies((record) -> {
			assertThat(record.headers().lastHeader(SequenceStamp.HEADER)).as("sequence stamp").isNotNull();
			byte[] key = new IntegerSerializer().serialize(topic, integerKey);
			assertThat(record.partition()).isEqualTo(Utils.toPositive(Utils.murmur2(key)) % 3);
		});
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class StarterApplication {

	}

	@Configuration(proxyBeanMethods = false)
	static class AcksOneTemplate {

		@Bean
		KafkaTemplate<Object, Object> fastTemplate(ProducerFactory<Object, Object> producerFactory,
				Environment environment) {
			Map<String, Object> overrides = new HashMap<>(Map.of(ProducerConfig.ACKS_CONFIG, "1"));
			String idempotence = environment.getProperty("test.idempotence");
			if (idempotence != null) {
				overrides.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, idempotence);
			}
			return new KafkaTemplate<>(producerFactory, overrides);
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class IntegerKeysApplication {

		@Bean
		@SuppressWarnings({ "unchecked", "rawtypes" })
		KafkaTemplate<Integer, String> integerKeys(ProducerFactory<Object, Object> producerFactory) {
			return new KafkaTemplate<>((ProducerFactory) producerFactory,
					Map.of(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, IntegerSerializer.class));
		}

	}

}
