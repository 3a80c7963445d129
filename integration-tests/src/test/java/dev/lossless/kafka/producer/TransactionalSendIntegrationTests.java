package dev.lossless.kafka.producer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.SharedKafkaCluster;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A transaction in which the starter's producer failed a send before the Kafka client saw
 * it, against a real broker.
 */
class TransactionalSendIntegrationTests {

	private static EmbeddedKafkaCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = SharedKafkaCluster.get();
		// create the transaction state log before the producers whose waits are bounded
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
						ProducerConfig.TRANSACTIONAL_ID_CONFIG, KafkaTestSupport.unique("warm-up"),
						ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
						ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
			producer.initTransactions();
		}
	}

	@Test
	void sendFailedBeforeTheClientSawItRefusesToCommitItsTransaction() {
		String topic = KafkaTestSupport.unique("tx-orders");
		cluster.createTopic(topic, 1, (short) 1, Map.of());
		// no such topic, and the brokers do not create topics: choosing the partition of
		// a
		// record without a key waits for metadata until max.block.ms, in the starter
		String missing = KafkaTestSupport.unique("tx-missing");
		Map<String, Object> configs = new HashMap<>();
		configs.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
		configs.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000);
		DefaultKafkaProducerFactory<String, String> factory = new DefaultKafkaProducerFactory<>(configs,
				new StringSerializer(), new StringSerializer());
		factory.setTransactionIdPrefix(KafkaTestSupport.unique("tx") + "-");
		LosslessProducerPostProcessor.stamping(factory).register();
		KafkaTemplate<String, String> template = new KafkaTemplate<>(factory);
		try {
			assertThatException().isThrownBy(() -> template.executeInTransaction((operations) -> {
				operations.send(topic, "in the failed transaction");
				// the caller goes on after this send failed: with the Kafka client alone,
				// the commit would still fail
				assertThatException().isThrownBy(() -> operations.send(missing, "never sent"));
				return null;
			}));
			template.executeInTransaction((operations) -> operations.send(topic, "after"));
			List<ConsumerRecord<byte[], byte[]>> records = KafkaTestSupport.readAll(cluster.bootstrapServers(), topic,
					1);
			assertThat(records).extracting((record) -> new String(record.value(), StandardCharsets.UTF_8))
				.containsOnly("after");
		}
		finally {
			factory.destroy();
		}
	}

}
