package dev.lossless.kafka.producer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;

/**
 * Makes the producers of Spring Boot's producer factory stamp sequence numbers on their
 * records and save their failed sends in the send journal (not those of a transactional
 * factory: a transaction's records must not be written outside it later).
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class LosslessProducerFactoryCustomizer implements DefaultKafkaProducerFactoryCustomizer {

	private final boolean stampSequences;

	private final @Nullable SendJournal journal;

	private final Runnable appended;

	private final TopicExistence topicExistence;

	private Consumer<Map<String, Object>> overridesJudge = (configs) -> {
	};

	/**
	 * Create an instance.
	 * @param stampSequences whether to stamp sequence numbers
	 * @param journal the journal that keeps failed sends, or {@code null}
	 * @param appended called after each append to the journal, for example to wake the
	 * replayer up
	 */
	public LosslessProducerFactoryCustomizer(boolean stampSequences, @Nullable SendJournal journal, Runnable appended) {
		this(stampSequences, journal, appended, TopicExistence.UNKNOWN);
	}

	/**
	 * Create an instance that does not journal the sends to a topic that does not exist.
	 * @param stampSequences whether to stamp sequence numbers
	 * @param journal the journal that keeps failed sends, or {@code null}
	 * @param appended called after each append to the journal, for example to wake the
	 * replayer up
	 * @param topicExistence confirms that the topic of a send whose metadata did not
	 * arrive does not exist
	 * @since 0.2.0
	 */
	public LosslessProducerFactoryCustomizer(boolean stampSequences, @Nullable SendJournal journal, Runnable appended,
			TopicExistence topicExistence) {
		this.stampSequences = stampSequences;
		this.journal = journal;
		this.appended = appended;
		this.topicExistence = topicExistence;
	}

	/**
	 * Set what judges the configuration of a producer created by a copy of the factory
	 * with configuration overrides made at run time (a {@code KafkaTemplate} built with
	 * overrides); it throws to refuse the producer.
	 * @param overridesJudge the judge
	 * @since 0.2.0
	 */
	public void setOverridesJudge(Consumer<Map<String, Object>> overridesJudge) {
		this.overridesJudge = overridesJudge;
	}

	@Override
	public void customize(DefaultKafkaProducerFactory<?, ?> producerFactory) {
		if (!this.stampSequences && this.journal == null) {
			return;
		}
		SendJournal journal = this.journal;
		// a copy of the factory with other serializers journals with its own
		new LosslessProducerPostProcessor(producerFactory, this.stampSequences,
				(serializers) -> (journal != null)
						? new JournalingSendFallback(journal, serializers, this.appended, this.topicExistence) : null,
				this.overridesJudge)
			.register();
		// the wrapper learns from it the configuration of a copy's producers; a metrics
		// reporter, configured with the producer as an interceptor is, but not called
		// on each record
		producerFactory.updateConfigs(Map.of(ProducerConfig.METRIC_REPORTER_CLASSES_CONFIG, withConfigCapture(
				producerFactory.getConfigurationProperties().get(ProducerConfig.METRIC_REPORTER_CLASSES_CONFIG))));
	}

	private static List<Object> withConfigCapture(@Nullable Object configured) {
		List<Object> reporters = new ArrayList<>();
		if (configured == null) {
			// Kafka's default (the JMX reporter) stays
			configured = ProducerConfig.configDef().defaultValues().get(ProducerConfig.METRIC_REPORTER_CLASSES_CONFIG);
		}
		if (configured instanceof Collection<?> classes) {
			reporters.addAll(classes);
		}
		else if (configured instanceof String names) {
			reporters.addAll(
					List.of(names.split(",")).stream().map(String::trim).filter((name) -> !name.isEmpty()).toList());
		}
		else if (configured != null) {
			reporters.add(configured);
		}
		if (reporters.stream().noneMatch(ProducerConfigCapture::isNamedBy)) {
			reporters.add(ProducerConfigCapture.class);
		}
		return reporters;
	}

}
