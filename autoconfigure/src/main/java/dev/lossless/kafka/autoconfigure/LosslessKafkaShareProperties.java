package dev.lossless.kafka.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of share consumers (KIP-932).
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
@ConfigurationProperties("lossless.kafka.share")
public class LosslessKafkaShareProperties {

	/**
	 * The brokers' group.share.delivery.count.limit: a failed record is dead-lettered one
	 * delivery before it.
	 */
	private int deliveryCountLimit = 5;

	public int getDeliveryCountLimit() {
		return this.deliveryCountLimit;
	}

	public void setDeliveryCountLimit(int deliveryCountLimit) {
		this.deliveryCountLimit = deliveryCountLimit;
	}

}
