package dev.lossless.kafka.rules;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that the rules judge producer settings as Kafka's own {@link ProducerConfig}
 * does: which settings turn idempotence off silently, and which combinations it refuses.
 */
class ProducerConfigAgreementTests {

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			acks=all
			acks=1
			acks=0
			acks=-1
			retries=0
			retries=3
			max.in.flight.requests.per.connection=5
			max.in.flight.requests.per.connection=6
			max.in.flight.requests.per.connection=6,acks=1
			max.in.flight.requests.per.connection=6,enable.idempotence=false
			acks=1,enable.idempotence=true
			acks=1,enable.idempotence=false
			retries=0,enable.idempotence=true
			acks=1,transactional.id=tx-0
			retries=0,transactional.id=tx-0
			enable.idempotence=false,transactional.id=tx-0
			transactional.id=tx-0
			""")
	void rulesAgreeWithKafka(String settings) {
		Map<String, Object> configs = new HashMap<>();
		for (String setting : settings.split(",")) {
			String[] pair = setting.split("=");
			configs.put(pair[0], pair[1]);
		}
		ClientSettings client = new ClientSettings(ClientSettings.PRODUCER, "producerFactory", configs);
		Map<String, Object> kafkaConfigs = new HashMap<>(configs);
		kafkaConfigs.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
		kafkaConfigs.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
		kafkaConfigs.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
		ProducerConfig kafka;
		try {
			kafka = new ProducerConfig(kafkaConfigs);
		}
		catch (ConfigException ex) {
			assertThat(ProducerRules.clientRefusal(client)).as("Kafka refuses: " + ex.getMessage()).isNotNull();
			return;
		}
		assertThat(ProducerRules.clientRefusal(client)).isNull();
		boolean idempotent = kafka.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
		if (!configs.containsKey(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)) {
			// only acks other than all and retries=0 turn it off silently
			assertThat(ProducerRules.idempotenceConflict(client) != null).isEqualTo(!idempotent);
		}
		Reading reading = new DurabilityRules(3).producerRules()
			.stream()
			.filter((rule) -> rule.getId().equals("producer.idempotence"))
			.findFirst()
			.orElseThrow()
			.read(client);
		assertThat(reading.safe()).isEqualTo(idempotent);
	}

}
