package dev.lossless.kafka.sample;

/**
 * The answer to an order the brokers acknowledged.
 *
 * @param id the order's id
 * @param topic the topic the order was written to
 * @param partition the partition the order was written to
 * @param offset the order's offset in that partition
 * @author Lossless Kafka team
 */
public record OrderReceipt(String id, String topic, int partition, long offset) {

}
