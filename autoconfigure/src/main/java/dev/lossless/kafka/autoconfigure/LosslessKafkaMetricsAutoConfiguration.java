package dev.lossless.kafka.autoconfigure;

import dev.lossless.kafka.actuate.ConsumerLagMeterBinder;
import dev.lossless.kafka.actuate.IdempotentProcessorMeterBinder;
import dev.lossless.kafka.actuate.LosslessKafkaMeterBinder;
import dev.lossless.kafka.actuate.SendJournalMeterBinder;
import dev.lossless.kafka.actuate.SequenceMeterBinder;
import dev.lossless.kafka.consumer.ConsumerOffsetsMonitor;
import dev.lossless.kafka.consumer.LostOffsets;
import dev.lossless.kafka.consumer.RebalanceListener;
import dev.lossless.kafka.consumer.RecoveryListener;
import dev.lossless.kafka.idempotent.IdempotentProcessor;
import dev.lossless.kafka.producer.SendJournalReplayer;
import dev.lossless.kafka.producer.SendJournalStore;
import dev.lossless.kafka.producer.SendResultListener;
import dev.lossless.kafka.rules.ReliabilityAudit;
import dev.lossless.kafka.sequence.SequenceChecker;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the starter's Micrometer meters, {@code lossless.kafka.*}.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
@AutoConfiguration(
		after = { LosslessKafkaAutoConfiguration.class, LosslessKafkaIdempotentConsumerAutoConfiguration.class })
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean(ReliabilityAudit.class)
public final class LosslessKafkaMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LosslessKafkaMeterBinder losslessKafkaMeterBinder(ObjectProvider<SendResultListener> sendResults,
			ObjectProvider<RecoveryListener> recovery, ObjectProvider<RebalanceListener> rebalances) {
		return new LosslessKafkaMeterBinder(sendResults.getIfAvailable(), recovery.getIfAvailable(),
				rebalances.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(SendJournalStore.class)
	SendJournalMeterBinder losslessSendJournalMeterBinder(SendJournalStore journalStore,
			ObjectProvider<SendJournalReplayer> replayer) {
		return new SendJournalMeterBinder(journalStore.journal(), replayer.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(ConsumerOffsetsMonitor.class)
	ConsumerLagMeterBinder losslessConsumerLagMeterBinder(ConsumerOffsetsMonitor monitor,
			ObjectProvider<LostOffsets> lostOffsets) {
		return new ConsumerLagMeterBinder(monitor, lostOffsets.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(IdempotentProcessor.class)
	IdempotentProcessorMeterBinder losslessIdempotentProcessorMeterBinder(IdempotentProcessor processor) {
		return new IdempotentProcessorMeterBinder(processor);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(SequenceChecker.class)
	SequenceMeterBinder losslessSequenceMeterBinder(SequenceChecker sequenceChecker) {
		return new SequenceMeterBinder(sequenceChecker);
	}

}
