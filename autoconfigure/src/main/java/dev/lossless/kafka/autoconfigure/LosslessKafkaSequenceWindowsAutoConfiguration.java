package dev.lossless.kafka.autoconfigure;

import java.time.Duration;

import dev.lossless.kafka.sequence.OffsetMetadataLimit;
import dev.lossless.kafka.sequence.SequenceChecker;
import dev.lossless.kafka.sequence.SequenceWindowCommits;
import dev.lossless.kafka.sequence.SequenceWindowPostProcessors;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.thread.Threading;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Sequence windows committed with the offsets: the consumers and producers of Spring
 * Boot's factories put each partition's window into the committed offset's metadata,
 * within the brokers' {@code offset.metadata.max.bytes}.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
@AutoConfiguration(after = LosslessKafkaAutoConfiguration.class, before = KafkaAutoConfiguration.class)
@ConditionalOnBean(SequenceChecker.class)
public final class LosslessKafkaSequenceWindowsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	OffsetMetadataLimit losslessOffsetMetadataLimit(ObjectProvider<KafkaAdmin> admin, Environment environment) {
		// read off the consumers' threads: a commit never waits for the brokers' answer
		SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("lossless-offset-metadata-limit-");
		executor.setDaemon(true);
		executor.setVirtualThreads(Threading.VIRTUAL.isActive(environment));
		return new OffsetMetadataLimit(() -> admin.getObject().getConfigurationProperties(), Duration.ofSeconds(10),
				executor);
	}

	@Bean
	@ConditionalOnMissingBean
	SequenceWindowCommits losslessSequenceWindowCommits(SequenceChecker checker, OffsetMetadataLimit limit) {
		return new SequenceWindowCommits(checker, limit);
	}

	@Bean
	@SuppressWarnings({ "unchecked", "rawtypes" })
	DefaultKafkaConsumerFactoryCustomizer losslessSequenceWindowConsumerCustomizer(SequenceWindowCommits commits) {
		return (factory) -> ((DefaultKafkaConsumerFactory) factory)
			.addPostProcessor(SequenceWindowPostProcessors.consumers(commits));
	}

	@Bean
	@SuppressWarnings({ "unchecked", "rawtypes" })
	DefaultKafkaProducerFactoryCustomizer losslessSequenceWindowProducerCustomizer(SequenceWindowCommits commits) {
		return (factory) -> ((DefaultKafkaProducerFactory) factory)
			.addPostProcessor(SequenceWindowPostProcessors.producers(commits));
	}

}
