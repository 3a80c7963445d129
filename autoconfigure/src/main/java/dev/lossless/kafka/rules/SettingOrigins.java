package dev.lossless.kafka.rules;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.Environment;

/**
 * Finds where a Kafka client setting came from: which {@code spring.kafka.*} property, in
 * which file and line.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class SettingOrigins {

	private final Iterable<ConfigurationPropertySource> sources;

	/**
	 * Create an instance reading the given environment.
	 * @param environment the environment
	 */
	public SettingOrigins(Environment environment) {
		this.sources = ConfigurationPropertySources.get(environment);
	}

	/**
	 * Describe where the given setting of a client came from.
	 * @param settings the client's settings
	 * @param key the Kafka configuration key
	 * @return a description such as
	 * {@code spring.kafka.producer.acks (class path resource [application.yml] -
	 * 3:11)}
	 */
	public String describe(ClientSettings settings, String key) {
		for (String candidate : candidates(settings.kind(), key)) {
			String origin = find(candidate);
			if (origin != null) {
				return origin.contains(candidate) ? origin : candidate + " (" + origin + ")";
			}
		}
		return settings.configs().containsKey(key) ? "set in code (a factory bean or customizer), or by the starter"
				: "not set: client default";
	}

	/**
	 * Return whether a {@code spring.kafka.*} property sets the given client setting.
	 * @param kind {@link ClientSettings#PRODUCER} or {@link ClientSettings#CONSUMER}
	 * @param key the Kafka configuration key
	 * @return whether a property sets it
	 */
	public boolean isSetByProperty(String kind, String key) {
		return candidates(kind, key).stream().anyMatch((candidate) -> find(candidate) != null);
	}

	private static List<String> candidates(String kind, String key) {
		String prefix = "spring.kafka." + kind;
		return List.of(prefix + "." + key.replace('.', '-'), prefix + ".properties[" + key + "]",
				prefix + ".properties." + key, "spring.kafka.properties[" + key + "]",
				"spring.kafka.properties." + key);
	}

	private @Nullable String find(String name) {
		if (!ConfigurationPropertyName.isValid(name)) {
			return null;
		}
		ConfigurationPropertyName propertyName = ConfigurationPropertyName.of(name);
		for (ConfigurationPropertySource source : this.sources) {
			ConfigurationProperty property = source.getConfigurationProperty(propertyName);
			if (property != null) {
				return (property.getOrigin() != null) ? property.getOrigin().toString()
						: String.valueOf(source.getUnderlyingSource());
			}
		}
		return null;
	}

}
