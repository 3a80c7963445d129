package dev.lossless.kafka.sample;

import java.util.UUID;

/**
 * The answer to an order that was stored: its message is in the outbox and is published
 * after the commit.
 *
 * @param id the order's id
 * @param messageId the id of the order's message, the {@code lossless-message-id} header
 * of the record the outbox relay publishes
 * @author Lossless Kafka team
 */
public record OrderReceipt(String id, UUID messageId) {
}
