package dev.lossless.kafka.autoconfigure;

import java.nio.file.Path;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.producer.SendJournalStore;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the send journal lands: the configured directory when one is set, a temporary
 * directory when a test framework starts the application without one, so that nothing
 * lands in the project folder during tests.
 */
class SendJournalDirectoryTests {

	private static final Path WORKING_DIRECTORY = Path.of("").toAbsolutePath();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LosslessKafkaAutoConfiguration.class, KafkaAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=127.0.0.1:1", "spring.kafka.listener.auto-startup=false",
				"lossless.kafka.topics.timeout=200ms", "lossless.kafka.dlt.auto-create=false");

	@Test
	void journalOfAnApplicationStartedByATestWithoutADirectoryIsInATemporaryDirectory() {
		this.contextRunner.run((context) -> {
			Path directory = context.getBean(SendJournalStore.class).journal().directory();
			assertThat(directory.startsWith(WORKING_DIRECTORY)).as("%s is in the working directory", directory)
				.isFalse();
			assertThat(directory).startsWith(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath());
			assertThat(WORKING_DIRECTORY.resolve(".lossless-kafka")).doesNotExist();
		});
	}

	@Test
	void configuredDirectoryIsUsedInTestsToo() {
		Path configured = KafkaTestSupport.newJournalDirectory();
		this.contextRunner.withPropertyValues(KafkaTestSupport.JOURNAL_DIRECTORY + "=" + configured)
			.run((context) -> assertThat(context.getBean(SendJournalStore.class).journal().directory())
				.isEqualTo(configured.resolve("slot-0").toAbsolutePath().normalize()));
	}

}
