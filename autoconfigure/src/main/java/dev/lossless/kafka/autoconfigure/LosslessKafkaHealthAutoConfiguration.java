package dev.lossless.kafka.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.lossless.kafka.actuate.BackgroundWorkersHealthIndicator;
import dev.lossless.kafka.actuate.ConsumerLagHealthIndicator;
import dev.lossless.kafka.actuate.DeadLettersHealthIndicator;
import dev.lossless.kafka.actuate.ListenerContainersHealthIndicator;
import dev.lossless.kafka.actuate.OutboxHealthIndicator;
import dev.lossless.kafka.actuate.ProducerHealthIndicator;
import dev.lossless.kafka.actuate.SequenceHealthIndicator;
import dev.lossless.kafka.actuate.TopicsHealthIndicator;
import dev.lossless.kafka.consumer.ConsumerOffsetsMonitor;
import dev.lossless.kafka.consumer.LostOffsets;
import dev.lossless.kafka.consumer.RecoveryListener;
import dev.lossless.kafka.deadletter.DeadLetters;
import dev.lossless.kafka.outbox.OutboxMonitor;
import dev.lossless.kafka.producer.SendJournalReplayer;
import dev.lossless.kafka.producer.SendJournalStore;
import dev.lossless.kafka.producer.SendResultListener;
import dev.lossless.kafka.rules.ReliabilityAudit;
import dev.lossless.kafka.sequence.SequenceChecker;
import dev.lossless.kafka.topics.TopicInspector;
import dev.lossless.kafka.worker.BackgroundWorker;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the {@code kafkaReliability} health: {@code producer},
 * {@code consumer}, {@code topics}, {@code sequence}, {@code lag}, {@code outbox} and
 * {@code workers}.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
@AutoConfiguration(after = LosslessKafkaAutoConfiguration.class)
@ConditionalOnClass(HealthContributor.class)
@ConditionalOnBean(ReliabilityAudit.class)
@ConditionalOnEnabledHealthIndicator("kafkareliability")
public final class LosslessKafkaHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "kafkaReliabilityHealthContributor")
	CompositeHealthContributor kafkaReliabilityHealthContributor(ObjectProvider<SendResultListener> sendResults,
			ObjectProvider<SendJournalStore> journal, ObjectProvider<SendJournalReplayer> replayer,
			ObjectProvider<RecoveryListener> recovery, ObjectProvider<KafkaListenerEndpointRegistry> registry,
			ObjectProvider<SequenceChecker> sequenceChecker, ObjectProvider<ConsumerOffsetsMonitor> lagMonitor,
			ObjectProvider<OutboxMonitor> outbox, ReliabilityAudit audit, TopicInspector inspector,
			ObjectProvider<DeadLetters> deadLetters, ObjectProvider<LostOffsets> lostOffsets,
			ObjectProvider<BackgroundWorker> workers, LosslessKafkaProperties properties) {
		Map<String, HealthContributor> contributors = new LinkedHashMap<>();
		SendJournalStore journalStore = journal.getIfAvailable();
		sendResults.ifAvailable((listener) -> contributors.put("producer", new ProducerHealthIndicator(listener,
				(journalStore != null) ? journalStore.journal() : null, replayer.getIfAvailable())));
		contributors.put("consumer",
				new ListenerContainersHealthIndicator(ListenerContainers.of(registry), recovery.getIfAvailable()));
		contributors.put("topics",
				new TopicsHealthIndicator(audit, inspector, properties.getTopics().getHealthCacheTimeToLive()));
		sequenceChecker.ifAvailable((checker) -> contributors.put("sequence", new SequenceHealthIndicator(checker)));
		lagMonitor.ifAvailable((monitor) -> contributors.put("lag", new ConsumerLagHealthIndicator(monitor::snapshot,
				ConsumerLagHealthIndicator.DEFAULT_MAX_LISTED_PARTITIONS, lostOffsets.getIfAvailable())));
		outbox.ifAvailable((monitor) -> contributors.put("outbox", new OutboxHealthIndicator(monitor)));
		deadLetters.ifAvailable((topics) -> contributors.put("deadLetters", new DeadLettersHealthIndicator(topics)));
		contributors.put("workers", new BackgroundWorkersHealthIndicator(() -> workers.orderedStream().toList()));
		return CompositeHealthContributor.fromMap(contributors);
	}

}
