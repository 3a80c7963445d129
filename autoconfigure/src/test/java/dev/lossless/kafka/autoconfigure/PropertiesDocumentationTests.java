package dev.lossless.kafka.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the properties table of {@code lossless.kafka.*} in {@code docs/properties.md} in
 * step with the IDE metadata that the configuration processor writes from the properties
 * classes: every property listed, with its default, and a description for each.
 */
class PropertiesDocumentationTests {

	@Test
	void propertiesTableListsEveryPropertyWithItsDefault() throws IOException {
		Map<String, JsonNode> metadata = new LinkedHashMap<>();
		try (InputStream json = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			JsonMapper.builder()
				.build()
				.readTree(json)
				.get("properties")
				.valueStream()
				.filter((property) -> property.get("name").asString().startsWith("lossless.kafka."))
				.forEach((property) -> metadata.put(property.get("name").asString(), property));
		}
		Map<String, String> table = new LinkedHashMap<>();
		for (String line : Files.readAllLines(Path.of("..", "docs", "properties.md"))) {
			if (line.startsWith("| `lossless.kafka.")) {
				String[] cells = line.substring(1, line.length() - 1).split("(?<!\\\\)\\|");
				table.put(cells[0].trim().replace("`", ""), cells[1].trim().replace("`", ""));
			}
		}
		assertThat(table.keySet()).containsExactlyInAnyOrderElementsOf(metadata.keySet());
		metadata.forEach((name, property) -> {
			assertThat(property.hasNonNull("description")).as("description of %s", name).isTrue();
			JsonNode defaultValue = property.get("defaultValue");
			if (defaultValue != null && defaultValue.isNumber()) {
				assertThat(new BigDecimal(table.get(name))).as("default of %s", name)
					.isEqualByComparingTo(defaultValue.decimalValue());
			}
			else {
				String expected = (defaultValue == null || defaultValue.isNull() || defaultValue.isArray()) ? ""
						: defaultValue.asString();
				assertThat(table.get(name)).as("default of %s", name).isEqualToIgnoringCase(expected);
			}
		});
	}

}
