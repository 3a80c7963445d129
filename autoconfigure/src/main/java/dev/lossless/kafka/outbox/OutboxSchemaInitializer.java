package dev.lossless.kafka.outbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.jdbc.init.PlatformPlaceholderDatabaseDriverResolver;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.Resource;
import org.springframework.util.StreamUtils;

/**
 * Creates the outbox tables with the starter's script for the database
 * ({@code classpath:dev/lossless/kafka/outbox/schema-<platform>.sql}, PostgreSQL and H2),
 * with the configured table name in place of {@code lossless_outbox}. The scripts only
 * create what is missing.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class OutboxSchemaInitializer extends DataSourceScriptDatabaseInitializer {

	/**
	 * The location of the schema scripts, {@code @@platform@@} standing for the database.
	 */
	public static final String SCHEMA_LOCATION = "classpath:dev/lossless/kafka/outbox/schema-@@platform@@.sql";

	private static final String DEFAULT_TABLE_NAME = "lossless_outbox";

	private final String tableName;

	/**
	 * Create an instance.
	 * @param dataSource the data source
	 * @param tableName the name of the outbox table
	 * @param mode when to create the tables
	 */
	public OutboxSchemaInitializer(DataSource dataSource, String tableName, DatabaseInitializationMode mode) {
		super(dataSource, settings(dataSource, mode));
		OutboxStore.checkTableName(tableName);
		this.tableName = tableName;
	}

	private static DatabaseInitializationSettings settings(DataSource dataSource, DatabaseInitializationMode mode) {
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		settings.setMode(mode);
		if (mode != DatabaseInitializationMode.NEVER) {
			settings.setSchemaLocations(
					new PlatformPlaceholderDatabaseDriverResolver().resolveAll(dataSource, SCHEMA_LOCATION));
		}
		return settings;
	}

	/**
	 * Put the table's name in the script; an index takes the name without its schema
	 * (PostgreSQL creates an index in its table's schema and refuses a qualified name).
	 */
	private String named(String sql) {
		String unqualified = this.tableName.substring(this.tableName.lastIndexOf('.') + 1);
		String index = "INDEX IF NOT EXISTS ";
		return sql.replace(index + DEFAULT_TABLE_NAME, index + "@@index@@")
			.replace(DEFAULT_TABLE_NAME, this.tableName)
			.replace("@@index@@", unqualified);
	}

	@Override
	protected void runScripts(Scripts scripts) {
		List<Resource> named = new ArrayList<>();
		for (Resource script : scripts) {
			try {
				String sql = StreamUtils.copyToString(script.getInputStream(), StandardCharsets.UTF_8);
				named.add(new ByteArrayResource(named(sql).getBytes(StandardCharsets.UTF_8), script.getDescription()));
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not read " + script, ex);
			}
		}
		super.runScripts(new Scripts(named).continueOnError(scripts.isContinueOnError())
			.separator(scripts.getSeparator())
			.encoding(StandardCharsets.UTF_8));
	}

}
