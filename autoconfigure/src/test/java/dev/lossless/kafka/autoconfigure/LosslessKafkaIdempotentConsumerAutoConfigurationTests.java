package dev.lossless.kafka.autoconfigure;

import java.util.Map;

import javax.sql.DataSource;

import dev.lossless.kafka.idempotent.IdempotentProcessor;
import dev.lossless.kafka.idempotent.InMemoryProcessedMessageStore;
import dev.lossless.kafka.idempotent.JdbcProcessedMessageStore;
import dev.lossless.kafka.idempotent.ProcessedMessageStore;
import dev.lossless.kafka.idempotent.ProcessedMessagesCleaner;
import dev.lossless.kafka.idempotent.ResourcelessTransactionManager;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.transaction.KafkaTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.UnexpectedRollbackException;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link LosslessKafkaIdempotentConsumerAutoConfiguration}.
 */
class LosslessKafkaIdempotentConsumerAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LosslessKafkaIdempotentConsumerAutoConfiguration.class,
				DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class));

	@Test
	void embeddedDataSourceGetsAStoreWhoseTableIsCreated() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(JdbcProcessedMessageStore.class)
				.hasSingleBean(IdempotentProcessor.class)
				.hasSingleBean(ProcessedMessagesCleaner.class)
				.hasSingleBean(DataSourceScriptDatabaseInitializer.class);
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM lossless_processed_message", Integer.class)).isZero();
		});
	}

	@Test
	void aRenamedTableIsCreatedUnderItsNameWithoutAScriptOfItsOwn() {
		this.contextRunner.withPropertyValues("lossless.kafka.idempotent.table-name=processed_payments")
			.run((context) -> {
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM processed_payments", Integer.class)).isZero();
				assertThat(jdbc.queryForObject(
						"SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEXES WHERE INDEX_NAME = 'PROCESSED_PAYMENTS_PROCESSED_AT'",
						Integer.class))
					.isOne();
			});
	}

	@Test
	void schemaIsNotCreatedWhenInitializationIsOff() {
		this.contextRunner.withPropertyValues("lossless.kafka.idempotent.initialize-schema=never")
			.run((context) -> assertThat(context).hasSingleBean(JdbcProcessedMessageStore.class)
				.doesNotHaveBean(DataSourceScriptDatabaseInitializer.class));
	}

	@Test
	void withoutADataSourceThereIsNoStoreAndNoProcessor() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LosslessKafkaIdempotentConsumerAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ProcessedMessageStore.class)
				.doesNotHaveBean(IdempotentProcessor.class));
	}

	@Test
	void withoutSpringJdbcAndBootsJdbcModuleAnInMemoryStoreOfTheApplicationIsUsed() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LosslessKafkaIdempotentConsumerAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.springframework.jdbc", "org.springframework.boot.jdbc",
					"org.springframework.boot.sql"))
			.withUserConfiguration(InMemoryStoreConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(IdempotentProcessor.class);
				IdempotentProcessor processor = context.getBean(IdempotentProcessor.class);
				assertThat(processor.processOnce("group", "m-1", () -> {
				})).isTrue();
				assertThat(processor.processOnce("group", "m-1", () -> {
				})).isFalse();
			});
	}

	@Test
	void applicationStoreReplacesTheJdbcStore() {
		this.contextRunner.withUserConfiguration(InMemoryStoreConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(ProcessedMessageStore.class)
				.hasSingleBean(InMemoryProcessedMessageStore.class)
				.doesNotHaveBean(JdbcProcessedMessageStore.class));
	}

	@Test
	void disabledByProperty() {
		this.contextRunner.withPropertyValues("lossless.kafka.idempotent.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ProcessedMessageStore.class)
				.doesNotHaveBean(IdempotentProcessor.class));
	}

	@Test
	void processorStartsItsTransactionsWithTheDataSourcesManagerNotKafkas() {
		this.contextRunner.withUserConfiguration(KafkaTransactionManagerConfiguration.class).run((context) -> {
			IdempotentProcessor processor = context.getBean(IdempotentProcessor.class);
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			jdbc.execute("CREATE TABLE side_effect (id VARCHAR(20))");
			try {
				processor.processOnce("group", "m-1", () -> {
					jdbc.update("INSERT INTO side_effect VALUES ('m-1')");
					throw new IllegalStateException("the side effect fails after its write");
				});
			}
			catch (IllegalStateException ex) {
				assertThat(ex).hasMessageContaining("side effect fails");
			}
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM side_effect", Integer.class))
				.as("the side effect's write rolled back")
				.isZero();
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM lossless_processed_message", Integer.class))
				.as("the id's mark rolled back with it")
				.isZero();
			assertThat(
					processor.processOnce("group", "m-1", () -> jdbc.update("INSERT INTO side_effect VALUES ('m-1')")))
				.isTrue();
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM side_effect", Integer.class)).isOne();
		});
	}

	@Test
	void aFailedSideEffectCaughtByTheCallerCannotCommitItsMark() {
		this.contextRunner.run((context) -> {
			IdempotentProcessor processor = context.getBean(IdempotentProcessor.class);
			TransactionTemplate caller = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			assertThatExceptionOfType(UnexpectedRollbackException.class)
				.isThrownBy(() -> caller.executeWithoutResult((status) -> {
					try {
						processor.processOnce("group", "m-1", () -> {
							throw new IllegalStateException("the side effect fails");
						});
					}
					catch (IllegalStateException ex) {
						// a caller that swallows the failure
					}
				}));
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM lossless_processed_message", Integer.class)).isZero();
		});
	}

	@Test
	void withOnlyKafkasTransactionManagerTheProcessorHasAJdbcOneOfItsOwn() {
		this.contextRunner.withUserConfiguration(OnlyKafkaTransactionManagerConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			IdempotentProcessor processor = context.getBean(IdempotentProcessor.class);
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			assertThatIllegalStateException().isThrownBy(() -> processor.processOnce("group", "m-1", () -> {
				throw new IllegalStateException("the side effect fails");
			}));
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM lossless_processed_message", Integer.class)).isZero();
			assertThat(processor.processOnce("group", "m-1", () -> {
			})).isTrue();
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM lossless_processed_message", Integer.class)).isOne();
		});
	}

	@Test
	void userProcessorBacksOff() {
		this.contextRunner.withUserConfiguration(UserProcessorConfiguration.class)
			.run((context) -> assertThat(context).getBean(IdempotentProcessor.class)
				.isSameAs(context.getBean(UserProcessorConfiguration.class).processor));
	}

	@Configuration(proxyBeanMethods = false)
	static class InMemoryStoreConfiguration {

		@Bean
		InMemoryProcessedMessageStore inMemoryStore() {
			return new InMemoryProcessedMessageStore();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class KafkaTransactionManagerConfiguration {

		@Bean
		KafkaTransactionManager<Object, Object> kafkaTransactionManager() {
			DefaultKafkaProducerFactory<Object, Object> factory = new DefaultKafkaProducerFactory<>(
					Map.of("bootstrap.servers", "127.0.0.1:1"));
			factory.setTransactionIdPrefix("tx-");
			return new KafkaTransactionManager<>(factory);
		}

		@Bean
		JdbcTransactionManager transactionManager(DataSource dataSource) {
			return new JdbcTransactionManager(dataSource);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OnlyKafkaTransactionManagerConfiguration {

		@Bean
		KafkaTransactionManager<Object, Object> kafkaTransactionManager() {
			DefaultKafkaProducerFactory<Object, Object> factory = new DefaultKafkaProducerFactory<>(
					Map.of("bootstrap.servers", "127.0.0.1:1"));
			factory.setTransactionIdPrefix("tx-");
			return new KafkaTransactionManager<>(factory);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserProcessorConfiguration {

		final IdempotentProcessor processor = new IdempotentProcessor(new InMemoryProcessedMessageStore(),
				new ResourcelessTransactionManager());

		@Bean
		IdempotentProcessor userProcessor() {
			return this.processor;
		}

	}

}
