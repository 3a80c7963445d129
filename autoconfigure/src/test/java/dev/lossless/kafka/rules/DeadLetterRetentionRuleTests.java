package dev.lossless.kafka.rules;

import java.time.Duration;
import java.util.Map;

import dev.lossless.kafka.topics.TopicState;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code topic.dlt-retention} rule: dead-letter topics keep their records.
 */
class DeadLetterRetentionRuleTests {

	private final Rule<TopicState> rule = new DurabilityRules(3, false, "-dlt", Duration.ofDays(30)).topicRules()
		.stream()
		.filter((candidate) -> candidate.getId().equals("topic.dlt-retention"))
		.findFirst()
		.orElseThrow();

	@Test
	void deadLetterTopicWithoutRetentionLimitsPasses() {
		assertThat(this.rule.read(deadLetterTopic("-1", "-1")).safe()).isTrue();
	}

	@Test
	void deadLetterTopicWithTheBrokersDefaultRetentionFails() {
		Reading reading = this.rule.read(deadLetterTopic("604800000", "-1"));
		assertThat(reading.safe()).isFalse();
		assertThat(reading.actual()).isEqualTo("retention.ms=604800000, retention.bytes=-1");
	}

	@Test
	void deadLetterTopicKeptAtLeastTheMinimumPasses() {
		assertThat(this.rule.read(deadLetterTopic(Long.toString(Duration.ofDays(30).toMillis()), "-1")).safe())
			.isTrue();
		assertThat(this.rule.read(deadLetterTopic(Long.toString(Duration.ofDays(30).toMillis() - 1), "-1")).safe())
			.isFalse();
	}

	@Test
	void deadLetterTopicWithASizeLimitFails() {
		assertThat(this.rule.read(deadLetterTopic("-1", "1073741824")).safe()).isFalse();
	}

	@Test
	void ruleJudgesDeadLetterTopicsOnly() {
		assertThat(this.rule.appliesTo(deadLetterTopic("-1", "-1"))).isTrue();
		assertThat(this.rule.appliesTo(new TopicState("orders", true, 1, 3, Map.of()))).isFalse();
	}

	private static TopicState deadLetterTopic(String retentionMs, String retentionBytes) {
		return new TopicState("orders-dlt", true, 1, 3,
				Map.of("retention.ms", new TopicState.Setting(retentionMs, "DYNAMIC_TOPIC_CONFIG"), "retention.bytes",
						new TopicState.Setting(retentionBytes, "DEFAULT_CONFIG")));
	}

}
