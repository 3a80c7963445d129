package dev.lossless.kafka.consumer;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.consumer.OffsetsRetentionAudit.Result;
import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit of {@code offsets.retention.minutes} against the consumed topics' retention,
 * on a real broker whose committed offsets expire after an hour.
 */
class OffsetsRetentionAuditIntegrationTests {

	private static EmbeddedKafkaCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = EmbeddedKafkaCluster.builder().brokers(1).brokerProperty("offsets.retention.minutes", "60").start();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Test
	void topicsKeptLongerThanCommittedOffsetsAreNamedAndOthersAreNot() {
		String shortLived = KafkaTestSupport.unique("short");
		String week = KafkaTestSupport.unique("week");
		String forever = KafkaTestSupport.unique("forever");
		cluster.createTopic(shortLived, 1, (short) 1,
				Map.of("retention.ms", String.valueOf(Duration.ofMinutes(30).toMillis())));
		cluster.createTopic(week, 1, (short) 1, Map.of("retention.ms", String.valueOf(Duration.ofDays(7).toMillis())));
		cluster.createTopic(forever, 1, (short) 1, Map.of("retention.ms", "-1"));
		OffsetsRetentionAudit audit = new OffsetsRetentionAudit(
				Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()), Duration.ofSeconds(30));
		try {
			Result result = audit.audit(List.of(shortLived, week, forever));
			assertThat(result.error()).isNull();
			assertThat(result.offsetsRetention()).isEqualTo(Duration.ofHours(1));
			assertThat(result.retainedLonger()).containsExactlyInAnyOrder(week + " (retention.ms=604800000)",
					forever + " (retention.ms=-1)");
			assertThat(result.warning()).startsWith("Committed offsets expire 60 minute(s)")
				.contains(week)
				.doesNotContain(shortLived);
			assertThat(audit.audit(List.of(shortLived)).warning()).isNull();
		}
		finally {
			audit.destroy();
		}
	}

}
