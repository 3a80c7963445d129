package dev.lossless.kafka.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.init.DatabaseInitializationProperties;
import org.springframework.boot.jdbc.init.PropertiesBasedDataSourceScriptDatabaseInitializer;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.Resource;
import org.springframework.util.StreamUtils;

/**
 * Creates a store's tables the way Spring Boot creates its own JDBC stores'
 * ({@code initialize-schema}, {@code schema}, {@code platform},
 * {@code continue-on-error}), with the configured table name in place of the script's
 * default one, so that a renamed table needs no script of its own. The scripts only
 * create what is missing.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class NamedTableSchemaInitializer
		extends PropertiesBasedDataSourceScriptDatabaseInitializer<DatabaseInitializationProperties> {

	private static final String INDEX = "INDEX IF NOT EXISTS ";

	private final String defaultTableName;

	private final String tableName;

	/**
	 * Create an instance.
	 * @param dataSource the data source
	 * @param properties when and with which script to create the tables
	 * @param defaultTableName the table name the scripts use
	 * @param tableName the table name to create instead, optionally with a schema
	 */
	public NamedTableSchemaInitializer(DataSource dataSource, DatabaseInitializationProperties properties,
			String defaultTableName, String tableName) {
		super(dataSource, properties);
		this.defaultTableName = defaultTableName;
		this.tableName = TableNames.check(tableName);
	}

	/**
	 * Put the table's name in the script; an index takes the name without its schema
	 * (PostgreSQL creates an index in its table's schema and refuses a qualified name).
	 */
	String named(String sql) {
		return sql.replace(INDEX + this.defaultTableName, INDEX + "@@index@@")
			.replace(this.defaultTableName, this.tableName)
			.replace("@@index@@", TableNames.unqualified(this.tableName));
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
