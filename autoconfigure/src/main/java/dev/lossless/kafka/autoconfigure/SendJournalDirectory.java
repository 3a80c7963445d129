package dev.lossless.kafka.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.env.Environment;
import org.springframework.util.FileSystemUtils;

/**
 * Chooses the base directory of the send journal and says so at startup. The configured
 * {@code lossless.kafka.producer.journal.directory} when it is set; otherwise, when a
 * test framework starts the application, a new temporary directory, deleted when the JVM
 * exits, so that tests leave nothing in the project folder and never replay what an
 * earlier run journaled; otherwise the default, {@code .lossless-kafka/journal} in the
 * working directory.
 * <p>
 * A test is recognised as Spring Boot DevTools recognises one: the thread that starts the
 * application has JUnit (4 or the platform), Spring Boot's test support or Cucumber on
 * its stack. That covers {@code @SpringBootTest}, {@code ApplicationContextRunner} and a
 * {@code SpringApplication} run from a test method; a production application never has
 * them on its stack.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class SendJournalDirectory {

	static final String PROPERTY = "lossless.kafka.producer.journal.directory";

	private static final List<String> TEST_FRAMEWORKS = List.of("org.junit.runners.", "org.junit.platform.",
			"org.springframework.boot.test.", "cucumber.runtime.");

	private static final Log logger = LogFactory.getLog(SendJournalDirectory.class);

	private static final Set<Path> temporary = ConcurrentHashMap.newKeySet();

	private SendJournalDirectory() {
	}

	/**
	 * Return the base directory of the send journal, logging where it is and why.
	 * @param environment the environment
	 * @param configured the value of the property, or its default
	 * @return the absolute directory
	 */
	static Path resolve(Environment environment, String configured) {
		Path directory;
		String why;
		if (environment.containsProperty(PROPERTY)) {
			directory = Path.of(configured).toAbsolutePath().normalize();
			why = "set by " + PROPERTY;
		}
		else if (startedByATest(Thread.currentThread())) {
			directory = temporaryDirectory();
			why = "a temporary directory, deleted when the JVM exits: a test framework started the application "
					+ "and " + PROPERTY + " is not set";
		}
		else {
			directory = Path.of(configured).toAbsolutePath().normalize();
			why = "the default, in the working directory; set " + PROPERTY + " to a directory on a persistent volume";
		}
		logger.info("Send journal base directory: " + directory + " (" + why + ")");
		return directory;
	}

	static boolean startedByATest(Thread thread) {
		for (StackTraceElement element : thread.getStackTrace()) {
			for (String framework : TEST_FRAMEWORKS) {
				if (element.getClassName().startsWith(framework)) {
					return true;
				}
			}
		}
		return false;
	}

	private static Path temporaryDirectory() {
		try {
			Path directory = Files.createTempDirectory("lossless-kafka-journal").toAbsolutePath();
			if (temporary.isEmpty()) {
				Runtime.getRuntime()
					.addShutdownHook(new Thread(SendJournalDirectory::deleteTemporary, "lossless-journal-cleanup"));
			}
			temporary.add(directory);
			return directory;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create a temporary send journal directory; set " + PROPERTY, ex);
		}
	}

	private static void deleteTemporary() {
		for (Path directory : temporary) {
			try {
				FileSystemUtils.deleteRecursively(directory);
			}
			catch (IOException ex) {
				// the JVM exits: nothing to tell
			}
		}
	}

}
