package dev.lossless.kafka.jdbc;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Table names that go into SQL text: plain SQL names, optionally qualified by a schema.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class TableNames {

	private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

	private TableNames() {
	}

	/**
	 * Check that a table name is a plain SQL name, optionally qualified by its schema.
	 * @param tableName the name
	 * @return the name
	 * @throws IllegalArgumentException if it is not
	 */
	public static String check(@Nullable String tableName) {
		Assert.isTrue(tableName != null && TABLE_NAME.matcher(tableName).matches(),
				() -> "'tableName' must be a plain SQL name, optionally with a schema, not '" + tableName + "'");
		return tableName;
	}

	/**
	 * Return a table name without its schema.
	 * @param tableName the name, optionally qualified by its schema
	 * @return the unqualified name
	 */
	public static String unqualified(String tableName) {
		return tableName.substring(tableName.lastIndexOf('.') + 1);
	}

}
