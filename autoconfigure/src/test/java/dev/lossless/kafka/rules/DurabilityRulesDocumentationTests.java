package dev.lossless.kafka.rules;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the README's rule table and the IDE hints of
 * {@code lossless.kafka.accepted-risks} in step with the catalogue.
 */
class DurabilityRulesDocumentationTests {

	private final DurabilityRules rules = new DurabilityRules(3);

	@Test
	void readmeRuleTableListsEveryRuleWithItsStageAndExpectedValue() throws IOException {
		Map<String, List<String>> table = new LinkedHashMap<>();
		String section = "";
		for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
			section = line.startsWith("## ") ? line : section;
			if (section.equals("## The durability rules") && line.startsWith("| `")) {
				List<String> cells = List.of(line.substring(1, line.length() - 1).split(" \\| "));
				table.put(cells.get(0).trim().replace("`", ""), cells.stream().map(String::trim).toList());
			}
		}
		assertThat(table.keySet()).containsExactlyElementsOf(this.rules.all().stream().map(Rule::getId).toList());
		for (Rule<?> rule : this.rules.all()) {
			List<String> row = table.get(rule.getId());
			assertThat(row.get(1)).as(rule.getId()).isEqualTo(rule.getStage().name().toLowerCase());
			assertThat(row.get(2).replace("`", "").replace("\\|", "|")).as(rule.getId()).isEqualTo(rule.getExpected());
		}
	}

	@Test
	void acceptedRisksHintsNameEveryRule() throws IOException {
		try (InputStream metadata = getClass()
			.getResourceAsStream("/META-INF/additional-spring-configuration-metadata.json")) {
			JsonNode hints = JsonMapper.builder().build().readTree(metadata).get("hints").get(0);
			assertThat(hints.get("name").asString()).isEqualTo("lossless.kafka.accepted-risks");
			assertThat(hints.get("values").valueStream().map((value) -> value.get("value").asString()))
				.containsExactlyElementsOf(this.rules.all().stream().map(Rule::getId).toList());
		}
	}

}
