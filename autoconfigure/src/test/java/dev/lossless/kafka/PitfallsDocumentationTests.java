package dev.lossless.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code docs/pitfalls.md} honest: one row per pitfall, and every test method it
 * names exists in the project's test sources.
 */
class PitfallsDocumentationTests {

	private static final Path ROOT = Path.of("..");

	private static final Pattern ROW = Pattern.compile("^\\| (\\d+) \\|");

	private static final Pattern TEST = Pattern.compile("`([A-Z]\\w*Tests)\\.(\\w+)`");

	@Test
	void everyPitfallHasARowAndEveryTestItNamesExists() throws IOException {
		List<String> rows = Files.readAllLines(ROOT.resolve("docs/pitfalls.md"))
			.stream()
			.filter((line) -> ROW.matcher(line).find())
			.toList();
		assertThat(rows).extracting((row) -> {
			Matcher number = ROW.matcher(row);
			number.find();
			return Integer.parseInt(number.group(1));
		}).containsExactlyElementsOf(IntStream.rangeClosed(1, 31).boxed().toList());
		Map<String, String> sources = testSources();
		List<String> named = new ArrayList<>();
		List<String> missing = new ArrayList<>();
		for (String row : rows) {
			Matcher test = TEST.matcher(row);
			while (test.find()) {
				named.add(test.group(1) + "." + test.group(2));
				String source = sources.getOrDefault(test.group(1), "");
				if (!source.contains("void " + test.group(2) + "(")) {
					missing.add(test.group(1) + "." + test.group(2));
				}
			}
		}
		assertThat(named).hasSizeGreaterThan(31);
		assertThat(missing).isEmpty();
	}

	private static Map<String, String> testSources() throws IOException {
		Map<String, String> sources = new HashMap<>();
		for (String module : List.of("autoconfigure", "integration-tests", "chaos-tests", "sample-app", "starter-test",
				"test-cluster")) {
			Path tests = ROOT.resolve(module).resolve("src/test/java");
			if (Files.isDirectory(tests)) {
				try (Stream<Path> files = Files.walk(tests)) {
					for (Path file : files.filter((file) -> file.toString().endsWith("Tests.java")).toList()) {
						String name = file.getFileName().toString();
						sources.merge(name.substring(0, name.length() - ".java".length()), Files.readString(file),
								String::concat);
					}
				}
			}
		}
		return sources;
	}

}
