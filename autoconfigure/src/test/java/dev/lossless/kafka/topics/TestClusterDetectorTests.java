package dev.lossless.kafka.topics;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.testcontainers.FakeKafkaContainerConnectionDetails;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TestClusterDetector}.
 */
class TestClusterDetectorTests {

	private final MockEnvironment environment = new MockEnvironment();

	private final DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();

	@Test
	void brokersWithoutAnySignalAreNoTestCluster() {
		assertThat(detector("kafka-1.prod:9092").signal()).isNull();
	}

	@Test
	void embeddedBrokersPropertyNamingTheBootstrapServersIsASignal() {
		this.environment.setProperty("spring.embedded.kafka.brokers", "localhost:40123");
		assertThat(detector("127.0.0.1:40123").signal()).contains("spring.embedded.kafka.brokers=localhost:40123");
	}

	@Test
	void embeddedBrokersPropertyNamingOtherBrokersIsNoSignal() {
		this.environment.setProperty("spring.embedded.kafka.brokers", "127.0.0.1:40123");
		assertThat(detector("kafka-1.prod:9092").signal()).isNull();
	}

	@Test
	void embeddedKafkaBeanIsASignal() {
		this.beanFactory.registerBeanDefinition("embeddedKafka",
				new RootBeanDefinition(EmbeddedKafkaKraftBroker.class));
		assertThat(detector("127.0.0.1:40123").signal()).contains("@EmbeddedKafka");
	}

	@Test
	void testcontainersServiceConnectionIsASignal() {
		this.beanFactory.registerBeanDefinition("kafkaContainerConnectionDetails",
				new RootBeanDefinition(FakeKafkaContainerConnectionDetails.class));
		assertThat(detector("127.0.0.1:19092").signal()).contains("@ServiceConnection");
	}

	@Test
	void applicationsOwnConnectionDetailsAreNoSignal() {
		this.beanFactory.registerBeanDefinition("kafkaConnectionDetails",
				new RootBeanDefinition(OwnConnectionDetails.class));
		assertThat(detector("kafka-1.prod:9092").signal()).isNull();
	}

	@Test
	void propertyNamesATestCluster() {
		this.environment.setProperty("lossless.kafka.test-cluster", "true");
		assertThat(detector("10.0.0.7:9092").signal()).isEqualTo("lossless.kafka.test-cluster=true");
	}

	@Test
	void bootstrapServersAreReadFromAStringOrAList() {
		assertThat(TestClusterDetector.bootstrapServers(Map.of("bootstrap.servers", "a:1,b:2"))).containsExactly("a:1",
				"b:2");
		assertThat(TestClusterDetector.bootstrapServers(Map.of("bootstrap.servers", List.of("a:1", "b:2"))))
			.containsExactly("a:1", "b:2");
	}

	private TestClusterDetector detector(String bootstrapServers) {
		return new TestClusterDetector(this.environment, this.beanFactory,
				() -> TestClusterDetector.bootstrapServers(Map.of("bootstrap.servers", bootstrapServers)));
	}

	static class OwnConnectionDetails implements KafkaConnectionDetails {

		@Override
		public List<String> getBootstrapServers() {
			return List.of("kafka-1.prod:9092");
		}

	}

}
