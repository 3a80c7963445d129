package dev.lossless.kafka.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.rules.ClientSettings;
import dev.lossless.kafka.rules.DurabilityRules;
import dev.lossless.kafka.rules.Reading;
import dev.lossless.kafka.rules.ReliabilityAudit;
import dev.lossless.kafka.rules.RuleResult;
import dev.lossless.kafka.rules.Rule;
import dev.lossless.kafka.rules.Verdict;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code consumer.dead-letter-serializer} rule: a consumer factory's deserializers
 * are judged on whether a dead letter of their type can be written back.
 */
class DeadLetterSerializerRuleTests {

	private static final String RULE = "consumer.dead-letter-serializer";

	private final Rule<ClientSettings> rule = new DurabilityRules(3).consumerRules()
		.stream()
		.filter((candidate) -> candidate.getId().equals(RULE))
		.findFirst()
		.orElseThrow();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LosslessKafkaAutoConfiguration.class, KafkaAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=127.0.0.1:1", "spring.kafka.listener.auto-startup=false",
				"lossless.kafka.topics.timeout=200ms", "lossless.kafka.dlt.auto-create=false",
				KafkaTestSupport.JOURNAL_DIRECTORY + "=" + KafkaTestSupport.newJournalDirectory());

	@Test
	void stringAndIntegerDeserializersPass() {
		Reading reading = this.rule.read(wrapped(StringDeserializer.class, IntegerDeserializer.class));
		assertThat(reading.safe()).isTrue();
		assertThat(reading.unknown()).isFalse();
		assertThat(reading.actual())
			.isEqualTo("key=StringDeserializer (StringSerializer), value=IntegerDeserializer (IntegerSerializer)");
	}

	@Test
	void byteArrayDeserializerPassesUnwrappedToo() {
		assertThat(
				this.rule
					.read(settings(Map.of(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
							ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName())))
					.safe())
			.isTrue();
	}

	@Test
	void customDeserializerWithAMatchingSerializerPasses() {
		assertThat(this.rule.read(wrapped(StringDeserializer.class, WidgetDeserializer.class)).safe()).isTrue();
	}

	@Test
	void customDeserializerWithoutASerializerIsUnknown() {
		Reading reading = this.rule.read(wrapped(StringDeserializer.class, OrderDeserializer.class));
		assertThat(reading.safe()).isFalse();
		assertThat(reading.unknown()).isTrue();
		assertThat(reading.actual()).contains("value=DeadLetterSerializerRuleTests.OrderDeserializer")
			.contains("cannot tell whether the producer's serializer writes this type; a dead letter it cannot "
					+ "write stalls its partition (health DOWN)");
	}

	@Test
	void customDeserializerWithoutASerializerIsReportedAndStartupGoesOn() {
		this.contextRunner
			.withPropertyValues("spring.kafka.consumer.value-deserializer=" + OrderDeserializer.class.getName())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ReliabilityAudit audit = context.getBean(ReliabilityAudit.class);
				assertThat(audit.audit().results()).filteredOn((result) -> result.id().equals(RULE))
					.singleElement()
					.satisfies((result) -> {
						assertThat(result.status()).isEqualTo(Verdict.UNKNOWN);
						assertThat(result.subject()).isEqualTo("kafkaConsumerFactory");
					});
				assertThat(audit.audit().violations()).extracting(RuleResult::id).doesNotContain(RULE);
			});
	}

	@Test
	void acceptedRiskSilencesTheReport() {
		this.contextRunner
			.withPropertyValues("spring.kafka.consumer.value-deserializer=" + OrderDeserializer.class.getName(),
					"lossless.kafka.accepted-risks=" + RULE)
			.run((context) -> assertThat(context.getBean(ReliabilityAudit.class).audit().results())
				.filteredOn((result) -> result.id().equals(RULE))
				.extracting(RuleResult::status)
				.containsExactly(Verdict.ACCEPTED));
	}

	@Test
	void defaultDeserializersPassAtStartup() {
		this.contextRunner.run((context) -> assertThat(context.getBean(ReliabilityAudit.class).audit().results())
			.filteredOn((result) -> result.id().equals(RULE))
			.extracting(RuleResult::status)
			.containsExactly(Verdict.PASS));
	}

	private static ClientSettings wrapped(Class<?> key, Class<?> value) {
		Map<String, Object> configs = new LinkedHashMap<>();
		configs.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ErrorHandlingDeserializer.class);
		configs.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ErrorHandlingDeserializer.class);
		configs.put(ErrorHandlingDeserializer.KEY_DESERIALIZER_CLASS, key);
		configs.put(ErrorHandlingDeserializer.VALUE_DESERIALIZER_CLASS, value.getName());
		return settings(configs);
	}

	private static ClientSettings settings(Map<String, Object> configs) {
		return new ClientSettings(ClientSettings.CONSUMER, "kafkaConsumerFactory", configs);
	}

	public static final class OrderDeserializer implements Deserializer<Object> {

		@Override
		public Object deserialize(String topic, byte[] data) {
			return new String(data);
		}

	}

	public static final class WidgetDeserializer implements Deserializer<Object> {

		@Override
		public Object deserialize(String topic, byte[] data) {
			return new String(data);
		}

	}

	public static final class WidgetSerializer implements Serializer<Object> {

		@Override
		public byte[] serialize(String topic, Object data) {
			return data.toString().getBytes();
		}

	}

}
