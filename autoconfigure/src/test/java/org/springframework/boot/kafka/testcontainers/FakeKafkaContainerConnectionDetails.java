package org.springframework.boot.kafka.testcontainers;

import java.util.List;

import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;

/**
 * Stands for the connection details Spring Boot's {@code @ServiceConnection} registers
 * for a Kafka container: the same package, without a container.
 */
public class FakeKafkaContainerConnectionDetails implements KafkaConnectionDetails {

	@Override
	public List<String> getBootstrapServers() {
		return List.of("127.0.0.1:19092");
	}

}
