package dev.lossless.kafka.actuate;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code topics} health does not describe every topic on every request: the audit of
 * the topics is kept for {@code lossless.kafka.topics.health-cache-time-to-live}, and a
 * request in between only checks that the brokers answer. Counted by the broker's own
 * request metrics.
 */
class TopicsHealthCacheIntegrationTests {

	private static final int REQUESTS = 10;

	private static EmbeddedKafkaCluster cluster;

	private static List<String> topics;

	@BeforeAll
	static void startCluster() {
		cluster = EmbeddedKafkaCluster.builder().brokers(1).start();
		topics = List.of(KafkaTestSupport.unique("health-a"), KafkaTestSupport.unique("health-b"),
				KafkaTestSupport.unique("health-c"));
		topics.forEach((topic) -> cluster.createTopic(topic, 1, (short) 1, Map.of()));
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Test
	void healthRequestsWithinTheTimeToLiveDoNotDescribeTheTopicsAgain() throws JMException {
		try (ConfigurableApplicationContext application = start()) {
			HealthIndicator health = topicsHealth(application);
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			long describeConfigs = settled("DescribeConfigs");
			long describeCluster = settled("DescribeCluster");
			for (int i = 0; i < REQUESTS; i++) {
				assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			}
			assertThat(settled("DescribeConfigs") - describeConfigs).isZero();
			// one small call per request tells that the brokers still answer
			assertThat(settled("DescribeCluster") - describeCluster).isEqualTo(REQUESTS);
		}
	}

	@Test
	void aTimeToLiveOfZeroAuditsTheTopicsOnEveryRequest() throws JMException {
		try (ConfigurableApplicationContext application = start("lossless.kafka.topics.health-cache-time-to-live=0s")) {
			HealthIndicator health = topicsHealth(application);
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			long describeConfigs = settled("DescribeConfigs");
			for (int i = 0; i < REQUESTS; i++) {
				assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			}
			assertThat(settled("DescribeConfigs") - describeConfigs).isGreaterThanOrEqualTo(REQUESTS);
		}
	}

	private static ConfigurableApplicationContext start(String... properties) {
		List<String> all = new java.util.ArrayList<>(
				List.of("spring.kafka.bootstrap-servers=" + cluster.bootstrapServers(),
						"lossless.kafka.topics.verify=" + String.join(",", topics),
						"lossless.kafka.accepted-risks=topic.replication-factor,topic.min-insync-replicas"));
		all.addAll(List.of(properties));
		return KafkaTestSupport.run(HealthApplication.class,
				KafkaTestSupport.withOwnJournal(all.toArray(String[]::new)));
	}

	private static HealthIndicator topicsHealth(ConfigurableApplicationContext application) {
		return (HealthIndicator) application
			.getBean("kafkaReliabilityHealthContributor", CompositeHealthContributor.class)
			.getContributor("topics");
	}

	/**
	 * The requests of one API that the brokers of this JVM answered so far, once the
	 * count holds still: a broker counts a request after its response is sent, so the
	 * client can have the answer a moment before the count moves.
	 */
	private static long settled(String api) {
		AtomicLong last = new AtomicLong(-1);
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
			long now = requests(api);
			return now == last.getAndSet(now);
		});
		return last.get();
	}

	/**
	 * The requests of one API that the brokers of this JVM received so far.
	 */
	private static long requests(String api) throws JMException {
		MBeanServer server = ManagementFactory.getPlatformMBeanServer();
		long count = 0;
		for (ObjectName name : server.queryNames(
				new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,request=" + api + ",*"), null)) {
			count += ((Number) server.getAttribute(name, "Count")).longValue();
		}
		return count;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class HealthApplication {

	}

}
