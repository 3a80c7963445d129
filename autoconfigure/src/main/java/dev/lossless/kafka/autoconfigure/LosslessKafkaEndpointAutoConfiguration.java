package dev.lossless.kafka.autoconfigure;

import dev.lossless.kafka.actuate.KafkaReliabilityEndpoint;
import dev.lossless.kafka.consumer.LostOffsets;
import dev.lossless.kafka.producer.SendJournalReplayer;
import dev.lossless.kafka.rules.AcceptedRisks;
import dev.lossless.kafka.rules.ReliabilityAudit;
import dev.lossless.kafka.sequence.SequenceChecker;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the {@code kafkareliability} endpoint.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
@AutoConfiguration(after = LosslessKafkaAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(ReliabilityAudit.class)
@ConditionalOnAvailableEndpoint(KafkaReliabilityEndpoint.class)
public final class LosslessKafkaEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	KafkaReliabilityEndpoint kafkaReliabilityEndpoint(ReliabilityAudit audit, AcceptedRisks acceptedRisks,
			LosslessKafkaProperties properties, ObjectProvider<SequenceChecker> sequenceChecker,
			ObjectProvider<LostOffsets> lostOffsets, ObjectProvider<SendJournalReplayer> journalReplayer) {
		return new KafkaReliabilityEndpoint(audit, properties.getEnforcement(), acceptedRisks,
				sequenceChecker.getIfAvailable(), lostOffsets.getIfAvailable(), journalReplayer.getIfAvailable());
	}

}
