package dev.lossless.kafka.sequence;

/**
 * A producer's last number in order on one partition.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class ProducerPosition {

	final long producerId;

	long last;

	ProducerPosition(long producerId, long last) {
		this.producerId = producerId;
		this.last = last;
	}

}
