package dev.lossless.kafka.outbox;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link OutboxTableMissingException}: how to create the outbox tables, or
 * how to turn the outbox off.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
class OutboxTableMissingFailureAnalyzer extends AbstractFailureAnalyzer<OutboxTableMissingException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, OutboxTableMissingException cause) {
		String table = cause.getTableName();
		String description = "Lossless Kafka's transactional outbox needs the tables '" + table + "' and '" + table
				+ "_lane', and they cannot be read:\n\n  " + cause.getCause().getMessage();
		String action = "Create the tables with the starter's script for your database "
				+ "(classpath:dev/lossless/kafka/outbox/schema-postgresql.sql or schema-h2.sql, with '" + table
				+ "' in place of 'lossless_outbox'), or let the starter create them at startup with "
				+ "lossless.kafka.outbox.initialize-schema=always (it does so for embedded databases by default). "
				+ "If the application does not use the outbox, set lossless.kafka.outbox.enabled=false.";
		return new FailureAnalysis(description, action, cause);
	}

}
