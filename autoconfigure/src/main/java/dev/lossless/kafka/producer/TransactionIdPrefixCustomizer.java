package dev.lossless.kafka.producer;

import java.util.UUID;

import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.util.Assert;

/**
 * Makes Spring Boot's producer factory transactional for exactly-once processing: gives
 * it a {@code transactional.id} prefix unless it has one already (from
 * {@code spring.kafka.producer.transaction-id-prefix}, which wins). spring-kafka requires
 * the prefix to be unique to each running instance of the application.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class TransactionIdPrefixCustomizer implements DefaultKafkaProducerFactoryCustomizer {

	private final String transactionIdPrefix;

	/**
	 * Create an instance.
	 * @param transactionIdPrefix the prefix of the producers' {@code transactional.id}
	 */
	public TransactionIdPrefixCustomizer(String transactionIdPrefix) {
		Assert.hasText(transactionIdPrefix, "'transactionIdPrefix' must not be empty");
		this.transactionIdPrefix = transactionIdPrefix;
	}

	/**
	 * Return a prefix unique to this start of this application instance: the name, a
	 * random part, and a separator before the number spring-kafka appends.
	 * @param applicationName the application's name
	 * @return the prefix
	 */
	public static String uniquePrefix(String applicationName) {
		return applicationName + "-" + UUID.randomUUID().toString().substring(0, 13) + "-";
	}

	/**
	 * Return the prefix given to producer factories that have none.
	 * @return the prefix
	 */
	public String getTransactionIdPrefix() {
		return this.transactionIdPrefix;
	}

	@Override
	public void customize(DefaultKafkaProducerFactory<?, ?> producerFactory) {
		if (producerFactory.getTransactionIdPrefix() == null) {
			producerFactory.setTransactionIdPrefix(this.transactionIdPrefix);
		}
	}

}
