package dev.lossless.kafka.autoconfigure;

import java.util.UUID;

import dev.lossless.kafka.KafkaTestSupport;
import dev.lossless.kafka.actuate.OutboxHealthIndicator;
import dev.lossless.kafka.actuate.OutboxMeterBinder;
import dev.lossless.kafka.outbox.JdbcOutboxPublisher;
import dev.lossless.kafka.outbox.OutboxPublisher;
import dev.lossless.kafka.outbox.OutboxRelay;
import dev.lossless.kafka.outbox.OutboxTableMissingException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

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
	void missingTableStopsStartupWithAnExplanation() {
		this.contextRunner.withPropertyValues("lossless.kafka.outbox.initialize-schema=never").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("'lossless_outbox'").contains("'lossless_outbox_lane'");
			assertThat(analysis.getAction()).contains("schema-postgresql.sql")
				.contains("lossless.kafka.outbox.initialize-schema=always")
				.contains("lossless.kafka.outbox.enabled=false");
		});
	}

	private static FailureAnalysis analyze(Throwable failure) {
		Throwable cause = failure;
		while (cause != null && !(cause instanceof OutboxTableMissingException)) {
			cause = cause.getCause();
		}
		assertThat(cause).isInstanceOf(OutboxTableMissingException.class);
		// the analyzers registered in spring.factories that need no context
		for (FailureAnalyzer analyzer : SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, (type, name, ex) -> {
			})) {
			FailureAnalysis analysis = analyzer.analyze(failure);
			if (analysis != null) {
				return analysis;
			}
		}
		return null;
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
