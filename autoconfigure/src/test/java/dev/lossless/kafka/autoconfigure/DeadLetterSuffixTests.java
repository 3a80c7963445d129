package dev.lossless.kafka.autoconfigure;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.topics.ApplicationTopics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the validation of {@code lossless.kafka.dlt.suffix}.
 */
class DeadLetterSuffixTests {

	private final ApplicationContextRunner contextRunner = KafkaTestSupport.starterContextRunner();

	@ParameterizedTest(name = "suffix \"{0}\" is refused")
	@ValueSource(strings = { "", " ", "/dlt", "-dlt!" })
	void suffixThatCannotNameADeadLetterTopicIsRefused(String suffix) {
		this.contextRunner.withPropertyValues("lossless.kafka.dlt.suffix=" + suffix).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("lossless.kafka.dlt.suffix");
		});
	}

	@ParameterizedTest(name = "suffix \"{0}\" is used")
	@ValueSource(strings = { ".DLT", "_dead-letters" })
	void suffixThatNamesATopicIsUsed(String suffix) {
		this.contextRunner.withPropertyValues("lossless.kafka.dlt.suffix=" + suffix)
			.run((context) -> assertThat(context.getBean(ApplicationTopics.class).deadLetterTopicOf("orders"))
				.isEqualTo("orders" + suffix));
	}

}
