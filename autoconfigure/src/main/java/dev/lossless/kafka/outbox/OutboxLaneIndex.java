package dev.lossless.kafka.outbox;

import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;

/**
 * Finds whether the outbox table has an index that starts with {@code lane} (added in
 * 0.2.0), which lets a round read each of its lanes' pending rows from the head of that
 * lane instead of walking past the pending rows of the lanes it does not hold.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class OutboxLaneIndex {

	private static final List<@Nullable String> NO_SCHEMA = Collections.singletonList(null);

	private OutboxLaneIndex() {
	}

	/**
	 * Return whether a table has an index whose first column is {@code lane}.
	 * @param dataSource the database
	 * @param table the table name, optionally with its schema
	 * @return whether the index exists; {@code false} when the metadata cannot be read
	 */
	static boolean exists(DataSource dataSource, String table) {
		int dot = table.lastIndexOf('.');
		String schema = (dot > 0) ? table.substring(0, dot) : null;
		String name = table.substring(dot + 1);
		try {
			return JdbcUtils.extractDatabaseMetaData(dataSource, (metaData) -> exists(metaData, schema, name));
		}
		catch (MetaDataAccessException ex) {
			return false;
		}
	}

	private static boolean exists(DatabaseMetaData metaData, @Nullable String schema, String name) throws SQLException {
		// unquoted names are folded to lower case (PostgreSQL) or upper case (H2)
		for (String table : spellings(name)) {
			for (@Nullable
			String inSchema : (schema != null) ? spellings(schema) : NO_SCHEMA) {
				try (ResultSet indexes = metaData.getIndexInfo(null, inSchema, table, false, true)) {
					while (indexes.next()) {
						if (indexes.getShort("ORDINAL_POSITION") == 1
								&& "lane".equalsIgnoreCase(indexes.getString("COLUMN_NAME"))) {
							return true;
						}
					}
				}
			}
		}
		return false;
	}

	private static Set<String> spellings(String name) {
		Set<String> spellings = new LinkedHashSet<>();
		spellings.add(name);
		spellings.add(name.toLowerCase(Locale.ROOT));
		spellings.add(name.toUpperCase(Locale.ROOT));
		return spellings;
	}

}
