package dev.lossless.kafka.autoconfigure;

import java.time.Clock;

import javax.sql.DataSource;

import dev.lossless.kafka.idempotent.IdempotentProcessor;
import dev.lossless.kafka.idempotent.JdbcProcessedMessageStore;
import dev.lossless.kafka.idempotent.ProcessedMessageStore;
import dev.lossless.kafka.idempotent.ProcessedMessagesCleaner;
import dev.lossless.kafka.idempotent.StoreTransactionManagers;
import dev.lossless.kafka.jdbc.NamedTableSchemaInitializer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.init.PropertiesBasedDataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.autoconfigure.init.OnDatabaseInitializationCondition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.util.Assert;

/**
 * {@link org.springframework.boot.EnableAutoConfiguration Auto-configuration} of the
 * idempotent consumer: a {@link JdbcProcessedMessageStore} on the application's
 * {@link DataSource} (its table created for embedded databases by default), an
 * {@link IdempotentProcessor} on whatever {@link ProcessedMessageStore} the application
 * has, and the cleanup of old message ids.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
// by name: an application without spring-boot-jdbc must not log a missing type
@AutoConfiguration(afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration" })
@ConditionalOnClass(KafkaTemplate.class)
@ConditionalOnBooleanProperty(name = "lossless.kafka.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "lossless.kafka.idempotent.enabled", matchIfMissing = true)
@EnableConfigurationProperties(IdempotentConsumerProperties.class)
public final class LosslessKafkaIdempotentConsumerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(ProcessedMessageStore.class)
	IdempotentProcessor losslessIdempotentProcessor(ProcessedMessageStore store,
			ObjectProvider<PlatformTransactionManager> transactionManagers) {
		PlatformTransactionManager manager = StoreTransactionManagers.choose(store,
				transactionManagers.orderedStream().toList());
		Assert.state(manager != null, () -> "No transaction manager for " + store.getTransactionResource()
				+ ", the resource of the processed message ids: define one");
		return new IdempotentProcessor(store, manager);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(ProcessedMessageStore.class)
	ProcessedMessagesCleaner losslessProcessedMessagesCleaner(ProcessedMessageStore store,
			IdempotentConsumerProperties properties) {
		return new ProcessedMessagesCleaner(store, properties.getRetention(), properties.getCleanupInterval(),
				Clock.systemUTC());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ JdbcTemplate.class, PropertiesBasedDataSourceScriptDatabaseInitializer.class })
	@ConditionalOnSingleCandidate(DataSource.class)
	@EnableConfigurationProperties(IdempotentConsumerSchemaProperties.class)
	static class JdbcStoreConfiguration {

		@Bean
		@ConditionalOnMissingBean(ProcessedMessageStore.class)
		JdbcProcessedMessageStore losslessProcessedMessageStore(DataSource dataSource,
				IdempotentConsumerProperties properties) {
			return new JdbcProcessedMessageStore(dataSource, properties.getTableName());
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(ProcessedMessageStore.class)
		IdempotentProcessor losslessJdbcIdempotentProcessor(ProcessedMessageStore store, DataSource dataSource,
				ObjectProvider<PlatformTransactionManager> transactionManagers) {
			PlatformTransactionManager manager = StoreTransactionManagers.choose(store,
					transactionManagers.orderedStream().toList());
			if (manager == null) {
				// Spring Boot creates no JDBC transaction manager next to a Kafka one
				manager = new JdbcTransactionManager(
						(store.getTransactionResource() instanceof DataSource resource) ? resource : dataSource);
			}
			return new IdempotentProcessor(store, manager);
		}

		@Bean
		@ConditionalOnMissingBean(name = "losslessProcessedMessagesSchemaInitializer")
		@Conditional(JdbcStoreConfiguration.OnProcessedMessagesSchemaInitializationCondition.class)
		NamedTableSchemaInitializer losslessProcessedMessagesSchemaInitializer(DataSource dataSource,
				IdempotentConsumerSchemaProperties schemaProperties, IdempotentConsumerProperties properties) {
			return new NamedTableSchemaInitializer(dataSource, schemaProperties,
					JdbcProcessedMessageStore.DEFAULT_TABLE_NAME, properties.getTableName());
		}

		static class OnProcessedMessagesSchemaInitializationCondition extends OnDatabaseInitializationCondition {

			OnProcessedMessagesSchemaInitializationCondition() {
				super("Lossless Kafka processed messages", "lossless.kafka.idempotent.initialize-schema");
			}

		}

	}

}
