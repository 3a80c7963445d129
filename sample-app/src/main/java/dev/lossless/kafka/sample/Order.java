package dev.lossless.kafka.sample;

/**
 * An order, written to the {@code orders} topic as JSON with its id as the record key.
 *
 * @param id the order's id, unique per order
 * @param item the item ordered
 * @param quantity how many; an order whose quantity is not positive cannot be processed
 * @author Lossless Kafka team
 */
public record Order(String id, String item, int quantity) {

}
