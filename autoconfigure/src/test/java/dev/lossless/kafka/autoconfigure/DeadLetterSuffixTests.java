package dev.lossless.kafka.autoconfigure;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.topics.ApplicationTopics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the validation of {@code lossless.kafka.dlt.suffix}.
 */
class DeadLetterSuffixTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LosslessKafkaAutoConfiguration.class, KafkaAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=127.0.0.1:1", "spring.kafka.listener.auto-startup=false",
				"lossless.kafka.topics.timeout=200ms", "lossless.kafka.dlt.auto-create=false",
				KafkaTestSupport.JOURNAL_DIRECTORY + "=" + KafkaTestSupport.newJournalDirectory());

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
