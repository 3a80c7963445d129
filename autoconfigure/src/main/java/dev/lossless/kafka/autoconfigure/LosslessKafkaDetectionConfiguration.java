package dev.lossless.kafka.autoconfigure;

import dev.lossless.kafka.consumer.ConsumerOffsetsMonitor;
import dev.lossless.kafka.consumer.LostOffsets;
import dev.lossless.kafka.consumer.OffsetsRetentionAudit;
import dev.lossless.kafka.sequence.SequenceChecker;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Loss detection: the {@link SequenceChecker} of the stamps on received records, the
 * {@link LostOffsets} that the listener containers and the consumer offsets monitor
 * report to, and the audit of {@code offsets.retention.minutes} against the consumed
 * topics' retention.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
@Configuration(proxyBeanMethods = false)
class LosslessKafkaDetectionConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "lossless.kafka.sequence.enabled", matchIfMissing = true)
	SequenceChecker losslessSequenceChecker() {
		return new SequenceChecker();
	}

	@Bean
	@ConditionalOnMissingBean
	LostOffsets losslessLostOffsets(ObjectProvider<ConsumerOffsetsMonitor> monitor) {
		LostOffsets lostOffsets = new LostOffsets();
		monitor.ifAvailable((offsetsMonitor) -> offsetsMonitor.addListener(lostOffsets::report));
		return lostOffsets;
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(ConsumerOffsetsMonitor.class)
	OffsetsRetentionAudit losslessOffsetsRetentionAudit(ConsumerOffsetsMonitor monitor, KafkaAdmin kafkaAdmin,
			LosslessKafkaProperties properties) {
		OffsetsRetentionAudit audit = new OffsetsRetentionAudit(kafkaAdmin.getConfigurationProperties(),
				properties.getConsumer().getLag().getTimeout());
		monitor.addListener(audit::auditPeriodically);
		return audit;
	}

}
