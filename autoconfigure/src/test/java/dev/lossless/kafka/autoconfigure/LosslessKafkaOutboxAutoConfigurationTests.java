package dev.lossless.kafka.autoconfigure;

import java.util.UUID;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.actuate.OutboxHealthIndicator;
import dev.lossless.kafka.actuate.OutboxMeterBinder;
import dev.lossless.kafka.idempotent.ResourcelessTransactionManager;
import dev.lossless.kafka.outbox.JdbcOutboxPublisher;
import dev.lossless.kafka.outbox.OutboxPublisher;
import dev.lossless.kafka.outbox.OutboxRelay;
import dev.lossless.kafka.outbox.OutboxTableMissingException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link LosslessKafkaOutboxAutoConfiguration}.
 */
class LosslessKafkaOutboxAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LosslessKafkaAutoConfiguration.class, KafkaAutoConfiguration.class,
				DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
				JdbcTemplateAutoConfiguration.class, TransactionAutoConfiguration.class,
				LosslessKafkaOutboxAutoConfiguration.class, LosslessKafkaHealthAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=127.0.0.1:1", "lossless.kafka.topics.timeout=200ms",
				"lossless.kafka.dlt.auto-create=false", "lossless.kafka.enforcement=warn",
				"spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
				KafkaTestSupport.JOURNAL_DIRECTORY + "=" + KafkaTestSupport.newJournalDirectory());

	@Test
	void outboxIsProvidedWithADataSourceAndItsTablesAreCreatedInAnEmbeddedDatabase() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(OutboxPublisher.class).hasSingleBean(OutboxRelay.class);
			assertThat(context.getBean(OutboxPublisher.class)).isInstanceOf(JdbcOutboxPublisher.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM lossless_outbox", Long.class)).isZero();
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM lossless_outbox_lane", Long.class)).isEqualTo(16);
			CompositeHealthContributor reliability = context.getBean("kafkaReliabilityHealthContributor",
					CompositeHealthContributor.class);
			assertThat(reliability.getContributor("outbox")).isInstanceOf(OutboxHealthIndicator.class);
			assertThat(context).hasSingleBean(OutboxMeterBinder.class);
		});
	}

	@Test
	void tableNameAndLanesAreConfigurable() {
		this.contextRunner
			.withPropertyValues("lossless.kafka.outbox.table-name=orders_outbox", "lossless.kafka.outbox.lanes=4")
			.run((context) -> {
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM orders_outbox", Long.class)).isZero();
				assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM orders_outbox_lane", Long.class)).isEqualTo(4);
			});
	}

	@Test
	void outboxBacksOffWithoutJdbcOnTheClassPath() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(JdbcTemplate.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(OutboxPublisher.class).doesNotHaveBean(OutboxRelay.class);
		});
	}

	@Test
	void outboxBacksOffWhenDisabled() {
		this.contextRunner.withPropertyValues("lossless.kafka.outbox.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(OutboxPublisher.class).doesNotHaveBean(OutboxRelay.class);
			CompositeHealthContributor reliability = context.getBean("kafkaReliabilityHealthContributor",
					CompositeHealthContributor.class);
			assertThat(reliability.getContributor("outbox")).isNull();
		});
	}

	@Test
	void outboxBacksOffWhenTheStarterIsDisabled() {
		this.contextRunner.withPropertyValues("lossless.kafka.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(OutboxPublisher.class));
	}

	@Test
	void outboxPublisherBacksOffForTheApplicationsOwn() {
		this.contextRunner.withUserConfiguration(OwnPublisherConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(OutboxPublisher.class);
			assertThat(context.getBean(OutboxPublisher.class))
				.isSameAs(context.getBean(OwnPublisherConfiguration.class).publisher);
		});
	}

	@Test
	void missingTablesLeaveTheOutboxInactiveAndPublishingFailsWithAnExplanation() {
		this.contextRunner.withPropertyValues("lossless.kafka.outbox.initialize-schema=never").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(OutboxRelay.class).isRunning()).isFalse();
			CompositeHealthContributor reliability = context.getBean("kafkaReliabilityHealthContributor",
					CompositeHealthContributor.class);
			assertThat(((OutboxHealthIndicator) reliability.getContributor("outbox")).health().getStatus())
				.isEqualTo(Status.UNKNOWN);
			TransactionTemplate transactions = new TransactionTemplate(
					context.getBean(PlatformTransactionManager.class));
			assertThatExceptionOfType(OutboxTableMissingException.class)
				.isThrownBy(() -> transactions.executeWithoutResult(
						(status) -> context.getBean(OutboxPublisher.class).publish("orders", "k", "v")))
				.withMessageContaining("'lossless_outbox'")
				.withMessageContaining("schema-postgresql.sql")
				.withMessageContaining("lossless.kafka.outbox.initialize-schema=always")
				.withMessageContaining("lossless.kafka.outbox.enabled=false");
		});
	}

	@Test
	void publishingInATransactionOfAnotherResourceIsRefused() {
		this.contextRunner.run((context) -> {
			TransactionTemplate otherResource = new TransactionTemplate(new ResourcelessTransactionManager());
			assertThatExceptionOfType(IllegalTransactionStateException.class)
				.isThrownBy(() -> otherResource.executeWithoutResult(
						(status) -> context.getBean(OutboxPublisher.class).publish("orders", "k", "v")))
				.withMessageContaining("No transaction of the outbox's DataSource");
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM lossless_outbox", Long.class)).isZero();
		});
	}

	@Test
	void anotherNumberOfLanesThanTheTableHoldsStopsStartup() {
		String url = "spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
		this.contextRunner.withPropertyValues(url).run((context) -> assertThat(context).hasNotFailed());
		this.contextRunner.withPropertyValues(url, "lossless.kafka.outbox.lanes=8").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("holds 16 lanes, but lossless.kafka.outbox.lanes is 8");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnPublisherConfiguration {

		final OutboxPublisher publisher = (ProducerRecord<?, ?> record) -> UUID.randomUUID();

		@Bean
		OutboxPublisher ownPublisher() {
			return this.publisher;
		}

	}

}
