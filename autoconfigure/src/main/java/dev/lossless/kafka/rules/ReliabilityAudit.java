package dev.lossless.kafka.rules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.lossless.kafka.topics.ShareGroupState;
import dev.lossless.kafka.topics.TopicInspector;
import dev.lossless.kafka.topics.TopicState;
import dev.lossless.kafka.topics.TopicsSnapshot;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.listener.ShareKafkaMessageListenerContainer;

/**
 * Evaluates the catalogue's rules against the running application: its producer and
 * consumer factories, its listener containers and the topics it uses.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class ReliabilityAudit {

	/**
	 * What the actual value of a topic rule's result says when its risk is accepted
	 * because the brokers are a test cluster.
	 * @since 0.2.0
	 */
	public static final String ACCEPTED_FOR_TEST_CLUSTER = "accepted for the test cluster";

	private final DurabilityRules rules;

	private final AcceptedRisks acceptedRisks;

	private final SettingOrigins origins;

	private final Supplier<List<ClientSettings>> clients;

	private final Supplier<Collection<MessageListenerContainer>> containers;

	private final Supplier<Collection<String>> topics;

	private final TopicInspector inspector;

	private final Function<String, @Nullable String> sourceOfDeadLetterTopic;

	private final Supplier<@Nullable String> testCluster;

	private final Function<Collection<String>, List<ShareGroupState>> shareGroups;

	/**
	 * Create an instance.
	 * @param rules the catalogue
	 * @param acceptedRisks the accepted risks
	 * @param origins finds where client settings came from
	 * @param clients the settings of the application's producer and consumer factories
	 * @param containers the application's listener containers
	 * @param topics the names of the topics the application uses
	 * @param inspector reads the topics' state from the brokers
	 */
	public ReliabilityAudit(DurabilityRules rules, AcceptedRisks acceptedRisks, SettingOrigins origins,
			Supplier<List<ClientSettings>> clients, Supplier<Collection<MessageListenerContainer>> containers,
			Supplier<Collection<String>> topics, TopicInspector inspector) {
		this(rules, acceptedRisks, origins, clients, containers, topics, (topic) -> null, inspector, () -> null,
				(groups) -> List.of());
	}

	/**
	 * Create an instance that folds the findings of a dead-letter topic into those of its
	 * source, relaxes, on a test cluster, the topic rules its brokers cannot satisfy, and
	 * audits the group configs of the application's share groups (KIP-932).
	 * @param rules the catalogue
	 * @param acceptedRisks the accepted risks
	 * @param origins finds where client settings came from
	 * @param clients the settings of the application's producer and consumer factories
	 * @param containers the application's listener containers
	 * @param topics the names of the topics the application uses
	 * @param sourceOfDeadLetterTopic the source topic of a listener's dead-letter topic,
	 * {@code null} for any other topic
	 * @param inspector reads the topics' state from the brokers
	 * @param testCluster what shows the brokers to be a test cluster, {@code null} when
	 * nothing does
	 * @param shareGroups reads the configs of share groups, bounded
	 * @since 0.2.0
	 */
	public ReliabilityAudit(DurabilityRules rules, AcceptedRisks acceptedRisks, SettingOrigins origins,
			Supplier<List<ClientSettings>> clients, Supplier<Collection<MessageListenerContainer>> containers,
			Supplier<Collection<String>> topics, Function<String, @Nullable String> sourceOfDeadLetterTopic,
			TopicInspector inspector, Supplier<@Nullable String> testCluster,
			Function<Collection<String>, List<ShareGroupState>> shareGroups) {
		this.rules = rules;
		this.acceptedRisks = acceptedRisks;
		this.origins = origins;
		this.clients = clients;
		this.containers = containers;
		this.topics = topics;
		this.sourceOfDeadLetterTopic = sourceOfDeadLetterTopic;
		this.inspector = inspector;
		this.testCluster = testCluster;
		this.shareGroups = shareGroups;
	}

	/**
	 * Evaluate every rule against every subject.
	 * @return the report
	 */
	public AuditReport audit() {
		return audit(inspectTopics());
	}

	/**
	 * Evaluate every rule against every subject, the topics as the given snapshot shows
	 * them.
	 * @param topics the state of the application's topics, from {@link #inspectTopics()}
	 * @return the report
	 * @since 0.2.0
	 */
	public AuditReport audit(TopicsSnapshot topics) {
		List<RuleResult> results = new ArrayList<>();
		for (ClientSettings client : this.clients.get()) {
			List<Rule<ClientSettings>> clientRules = switch (client.kind()) {
				case ClientSettings.PRODUCER -> this.rules.producerRules();
				case ClientSettings.SHARE_CONSUMER -> this.rules.shareConsumerRules();
				default -> this.rules.consumerRules();
			};
			for (Rule<ClientSettings> rule : clientRules) {
				results.add(evaluate(rule, client, client.name(),
						(settings) -> this.origins.describe(settings, rule.getSetting())));
			}
		}
		Set<String> shareGroupIds = new LinkedHashSet<>();
		for (MessageListenerContainer container : this.containers.get()) {
			String id = container.getListenerId();
			String name = (id != null) ? id : container.toString();
			for (Rule<MessageListenerContainer> rule : listenerRules()) {
				if (rule.appliesTo(container)) {
					results.add(evaluate(rule, container, name, (subject) -> "listener container '" + name + "'"));
				}
			}
			if (container instanceof ShareKafkaMessageListenerContainer<?, ?> && container.getGroupId() != null) {
				shareGroupIds.add(container.getGroupId());
			}
		}
		results.addAll(auditShareGroups(shareGroupIds));
		AuditReport topicReport = auditTopics(topics);
		results.addAll(topicReport.results());
		return new AuditReport(List.copyOf(results), topicReport.brokerError());
	}

	/**
	 * Evaluate the producer rules against one producer's settings.
	 * @param settings the settings
	 * @return the results
	 * @since 0.2.0
	 */
	public List<RuleResult> auditProducer(ClientSettings settings) {
		return this.rules.producerRules()
			.stream()
			.map((rule) -> evaluate(rule, settings, settings.name(),
					(subject) -> this.origins.describe(subject, rule.getSetting())))
			.toList();
	}

	/**
	 * Evaluate the topic rules against every topic the application uses. Every broker
	 * call is bounded by the inspector's timeout; when the brokers do not answer, each
	 * rule's verdict is {@link Verdict#UNKNOWN}.
	 * @return the report
	 */
	public AuditReport auditTopics() {
		return auditTopics(inspectTopics());
	}

	/**
	 * Read the state of every topic the application uses, within the inspector's timeout;
	 * no broker call when it uses none.
	 * @return the snapshot
	 * @since 0.2.0
	 */
	public TopicsSnapshot inspectTopics() {
		Collection<String> names = this.topics.get();
		return names.isEmpty() ? new TopicsSnapshot(Map.of(), null) : this.inspector.inspect(names);
	}

	/**
	 * Return what shows the brokers to be a test cluster.
	 * @return the signal, or {@code null} when nothing does
	 * @since 0.2.0
	 */
	public @Nullable String testCluster() {
		return this.testCluster.get();
	}

	private AuditReport auditTopics(TopicsSnapshot snapshot) {
		Collection<String> names = this.topics.get();
		if (names.isEmpty()) {
			return new AuditReport(List.of(), null);
		}
		boolean relaxed = isRelaxed(snapshot);
		Map<String, RuleResult> results = new LinkedHashMap<>();
		for (String name : names) {
			TopicState state = snapshot.topics().get(name);
			for (Rule<TopicState> rule : this.rules.topicRules()) {
				RuleResult result = null;
				if (state == null) {
					result = result(rule, name, new Reading(false, "unknown: " + snapshot.error()), Verdict.UNKNOWN,
							"brokers did not answer");
				}
				else if ((state.exists() && rule.appliesTo(state)) || rule == this.rules.topicExists()) {
					result = evaluate(rule, state, name, (topic) -> originOf(topic, rule.getSetting()));
					if (relaxed && result.status() == Verdict.FAIL && isRelaxedOnTestCluster(rule, snapshot)) {
						result = withVerdict(result, Verdict.ACCEPTED,
								result.actual() + " (" + ACCEPTED_FOR_TEST_CLUSTER + ")");
					}
				}
				if (result != null) {
					results.put(rule.getId() + " " + name, result);
				}
			}
		}
		return new AuditReport(foldDeadLetterTopics(results), snapshot.error());
	}

	// a one-broker test cluster cannot hold three replicas; one that can is audited as
	// production is
	private boolean isRelaxed(TopicsSnapshot snapshot) {
		return snapshot.brokers() > 0 && snapshot.brokers() < this.rules.minReplicationFactor()
				&& this.testCluster.get() != null;
	}

	// a test cluster lives for its tests: a dead-letter topic's retention of days never
	// applies there
	private boolean isRelaxedOnTestCluster(Rule<TopicState> rule, TopicsSnapshot snapshot) {
		return rule == this.rules.topicReplicationFactor() || rule == this.rules.topicMinInsyncReplicas()
				|| (rule == this.rules.topicExists() && snapshot.autoCreatesTopics())
				|| DurabilityRules.TOPIC_DLT_RETENTION.equals(rule.getId())
				|| DurabilityRules.TOPIC_ELIGIBLE_LEADER_REPLICAS.equals(rule.getId());
	}

	// one finding for a topic and its dead-letter topic when both break a rule alike
	private List<RuleResult> foldDeadLetterTopics(Map<String, RuleResult> results) {
		List<RuleResult> folded = new ArrayList<>();
		Map<String, RuleResult> sources = new LinkedHashMap<>(results);
		for (RuleResult result : results.values()) {
			String source = this.sourceOfDeadLetterTopic.apply(result.subject());
			RuleResult sourceResult = (source != null) ? sources.get(result.id() + " " + source) : null;
			if (result.status() == Verdict.PASS || sourceResult == null || sourceResult.status() == Verdict.PASS) {
				continue;
			}
			sources.put(result.id() + " " + source,
					new RuleResult(sourceResult.id(), sourceResult.stage(), sourceResult.subject(),
							sourceResult.setting(), sourceResult.expected(), sourceResult.actual(),
							sourceResult.status(), sourceResult.origin() + "; and its dead-letter topic '"
									+ result.subject() + "' (" + result.actual() + ")",
							sourceResult.rationale(), sourceResult.remedy()));
			sources.remove(result.id() + " " + result.subject());
		}
		folded.addAll(sources.values());
		return folded;
	}

	private static RuleResult withVerdict(RuleResult result, Verdict verdict, String actual) {
		return new RuleResult(result.id(), result.stage(), result.subject(), result.setting(), result.expected(),
				actual, verdict, result.origin(), result.rationale(), result.remedy());
	}

	private List<Rule<MessageListenerContainer>> listenerRules() {
		List<Rule<MessageListenerContainer>> listenerRules = new ArrayList<>(this.rules.listenerRules());
		listenerRules.addAll(this.rules.shareListenerRules());
		return listenerRules;
	}

	private List<RuleResult> auditShareGroups(Collection<String> groupIds) {
		List<RuleResult> results = new ArrayList<>();
		if (groupIds.isEmpty()) {
			return results;
		}
		for (ShareGroupState group : this.shareGroups.apply(groupIds)) {
			for (Rule<ShareGroupState> rule : this.rules.shareGroupRules()) {
				if (!group.readable()) {
					results.add(result(rule, group.group(), new Reading(false, "unknown: " + group.error()),
							Verdict.UNKNOWN, "brokers did not answer"));
				}
				else {
					results.add(evaluate(rule, group, group.group(),
							(state) -> "share group '" + state.group() + "' config"));
				}
			}
		}
		return results;
	}

	private <S> RuleResult evaluate(Rule<S> rule, S subject, String name, Function<S, String> origin) {
		Reading reading;
		try {
			reading = rule.read(subject);
		}
		catch (RuntimeException ex) {
			reading = new Reading(false, "unreadable (" + ex.getMessage() + ")");
		}
		return result(rule, name, reading, verdict(rule, name, reading), origin.apply(subject));
	}

	private Verdict verdict(Rule<?> rule, String name, Reading reading) {
		if (reading.safe()) {
			return Verdict.PASS;
		}
		if (reading.clientRefusal() != null) {
			// the client would refuse to start: an accepted risk cannot make it work
			return Verdict.FAIL;
		}
		String impliedBy = reading.impliedBy();
		boolean accepted = this.acceptedRisks.accepts(rule.getId(), name)
				|| (impliedBy != null && this.acceptedRisks.accepts(impliedBy, name));
		if (accepted) {
			return Verdict.ACCEPTED;
		}
		// a rule that cannot tell reports it and never refuses startup
		return reading.unknown() ? Verdict.UNKNOWN : Verdict.FAIL;
	}

	private RuleResult result(Rule<?> rule, String subject, Reading reading, Verdict verdict, String origin) {
		String actual = (reading.impliedBy() != null) ? reading.actual() + ", implied by " + reading.impliedBy()
				: reading.actual();
		return new RuleResult(rule.getId(), rule.getStage(), subject, rule.getSetting(), rule.getExpected(), actual,
				verdict, origin, rule.getRationale(), rule.getRemedy(), reading.clientRefusal());
	}

	private String originOf(TopicState topic, String setting) {
		TopicState.Setting config = topic.config(setting);
		return (config != null) ? "topic '" + topic.name() + "' config, source " + config.source()
				: "topic '" + topic.name() + "' as the brokers report it";
	}

}
