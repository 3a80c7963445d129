package dev.lossless.kafka.topics;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The group configuration of one share group (KIP-932) as the brokers report it.
 *
 * @param group the share group id
 * @param configs the group's configs by name, or {@code null} when the brokers did not
 * answer
 * @param error why the configs could not be read, or {@code null}
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public record ShareGroupState(String group, @Nullable Map<String, String> configs, @Nullable String error) {

	/**
	 * Return whether the brokers answered for this group.
	 * @return whether the configs were read
	 */
	public boolean readable() {
		return this.configs != null;
	}

	/**
	 * Return a config's value.
	 * @param name the config name
	 * @return the value, or {@code null} when unread or unset
	 */
	public @Nullable String config(String name) {
		return (this.configs != null) ? this.configs.get(name) : null;
	}

}
