package dev.lossless.kafka.sample;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the order endpoint.
 *
 * @param sendTimeout how long {@code POST /orders} waits for the brokers to acknowledge
 * an order; keep it longer than the producer's delivery timeout plus
 * {@code max.block.ms}, so that the answer is final: acknowledged, or failed
 * @author Lossless Kafka team
 */
@ConfigurationProperties("sample.orders")
public record OrdersProperties(@DefaultValue("25s") Duration sendTimeout) {

}
