package dev.lossless.kafka.adoption;

/**
 * The system properties spring-kafka-test's embedded broker sets and leaves behind when
 * it stops; a later test class in the same JVM would connect to the stopped broker.
 */
final class EmbeddedKafkaProperties {

	private EmbeddedKafkaProperties() {
	}

	static void forget() {
		System.clearProperty("spring.embedded.kafka.brokers");
		System.clearProperty("spring.kafka.bootstrap-servers");
	}

}
