package dev.lossless.kafka.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} that hardens Spring Boot's Kafka support against message loss and
 * enforces the durability rules at startup. Runs before {@link KafkaAutoConfiguration} so
 * that Spring Boot's beans pick up its customizers and collaborators; every bean backs
 * off when the application defines its own.
 * <p>
 * The imported configurations are registered in the order listed: a configuration whose
 * beans are conditional on another's (the offsets-retention audit on the consumer offsets
 * monitor) comes after it.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
@AutoConfiguration(before = KafkaAutoConfiguration.class)
@ConditionalOnClass({ KafkaTemplate.class, KafkaAutoConfiguration.class })
@ConditionalOnBooleanProperty(name = "lossless.kafka.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LosslessKafkaProperties.class)
@Import({ ProducerConfiguration.class, SendJournalConfiguration.class,
		LosslessKafkaTemplateOverridesConfiguration.class, ConsumerConfiguration.class,
		DeadLetteringConfiguration.class, TopicsConfiguration.class, RulesConfiguration.class,
		ConsumerLagConfiguration.class, LosslessKafkaDetectionConfiguration.class, ExactlyOnceConfiguration.class,
		WorkerConfiguration.class })
public final class LosslessKafkaAutoConfiguration {

}
