package dev.lossless.kafka.autoconfigure;

import java.time.Duration;

import javax.sql.DataSource;

import dev.lossless.kafka.actuate.OutboxMeterBinder;
import dev.lossless.kafka.jdbc.NamedTableSchemaInitializer;
import dev.lossless.kafka.outbox.JdbcOutboxPublisher;
import dev.lossless.kafka.outbox.OutboxBacklogMonitor;
import dev.lossless.kafka.outbox.OutboxMonitor;
import dev.lossless.kafka.outbox.OutboxPublisher;
import dev.lossless.kafka.outbox.OutboxRelay;
import dev.lossless.kafka.outbox.OutboxRelayProducerFactory;
import dev.lossless.kafka.outbox.OutboxStore;
import dev.lossless.kafka.producer.ApplicationSerializers;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the transactional outbox: an {@link OutboxPublisher} that writes
 * to the outbox table in the application's transaction, and the {@link OutboxRelay} that
 * publishes the committed rows. Only with JDBC on the class path and one
 * {@link DataSource}.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
@AutoConfiguration(after = { LosslessKafkaAutoConfiguration.class, KafkaAutoConfiguration.class,
		DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class })
@ConditionalOnClass({ KafkaTemplate.class, JdbcTemplate.class, DataSourceAutoConfiguration.class })
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnBean(ProducerFactory.class)
@ConditionalOnBooleanProperty(name = "lossless.kafka.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "lossless.kafka.outbox.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ LosslessKafkaOutboxProperties.class, OutboxSchemaProperties.class })
public final class LosslessKafkaOutboxAutoConfiguration {

	private static final Duration MONITORING_TIMEOUT = Duration.ofSeconds(10);

	private final LosslessKafkaOutboxProperties properties;

	LosslessKafkaOutboxAutoConfiguration(LosslessKafkaOutboxProperties properties) {
		this.properties = properties;
	}

	@Bean
	@ConditionalOnMissingBean(name = "losslessOutboxSchemaInitializer")
	NamedTableSchemaInitializer losslessOutboxSchemaInitializer(DataSource dataSource,
			OutboxSchemaProperties schemaProperties) {
		return new NamedTableSchemaInitializer(dataSource, schemaProperties, OutboxStore.DEFAULT_TABLE_NAME,
				this.properties.getTableName());
	}

	@Bean
	@ConditionalOnMissingBean
	@DependsOnDatabaseInitialization
	OutboxStore losslessOutboxStore(DataSource dataSource) {
		OutboxStore store = new OutboxStore(dataSource, this.properties.getTableName(), MONITORING_TIMEOUT);
		store.prepare(this.properties.getLanes());
		return store;
	}

	@Bean
	@ConditionalOnMissingBean
	OutboxBacklogMonitor losslessOutboxMonitor(OutboxStore store) {
		return new OutboxBacklogMonitor(store);
	}

	@Bean
	@ConditionalOnMissingBean
	OutboxRelay losslessOutboxRelay(OutboxStore store, ProducerFactory<?, ?> producerFactory, Environment environment,
			OutboxBacklogMonitor monitor) {
		DefaultKafkaProducerFactory<byte[], byte[]> relayProducers = OutboxRelayProducerFactory.create(producerFactory,
				environment.getProperty("lossless.kafka.sequence.enabled", Boolean.class, true));
		LosslessKafkaOutboxProperties.Cleanup cleanup = this.properties.getCleanup();
		return new OutboxRelay(store, relayProducers,
				new OutboxRelay.Settings(this.properties.getLanes(), this.properties.getBatchSize(),
						this.properties.getPollInterval(),
						OutboxRelayProducerFactory.acknowledgementTimeout(relayProducers), this.properties.getBackOff(),
						this.properties.getMaxBackOff(), cleanup.getRetention(), cleanup.getInterval()),
				monitor);
	}

	@Bean
	@ConditionalOnMissingBean(OutboxPublisher.class)
	JdbcOutboxPublisher losslessOutboxPublisher(OutboxStore store, ProducerFactory<?, ?> producerFactory,
			ObjectProvider<OutboxRelay> relay) {
		return new JdbcOutboxPublisher(store, new ApplicationSerializers(producerFactory), this.properties.getLanes(),
				() -> relay.ifAvailable(OutboxRelay::wakeUp));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class OutboxMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		OutboxMeterBinder losslessOutboxMeterBinder(OutboxMonitor monitor) {
			return new OutboxMeterBinder(monitor);
		}

	}

}
