package dev.lossless.kafka.rules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.lossless.kafka.topics.ShareGroupState;
import dev.lossless.kafka.topics.TopicInspector;
import dev.lossless.kafka.topics.TopicState;
import dev.lossless.kafka.topics.TopicsSnapshot;

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

	private final DurabilityRules rules;

	private final AcceptedRisks acceptedRisks;

	private final SettingOrigins origins;

	private final Supplier<List<ClientSettings>> clients;

	private final Supplier<Collection<MessageListenerContainer>> containers;

	private final Supplier<Collection<String>> topics;

	private final TopicInspector inspector;

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
		this.rules = rules;
		this.acceptedRisks = acceptedRisks;
		this.origins = origins;
		this.clients = clients;
		this.containers = containers;
		this.topics = topics;
		this.inspector = inspector;
		this.shareGroups = (groups) -> List.of();
	}

	/**
	 * Create an instance that also audits the group configs of the application's share
	 * groups (KIP-932).
	 * @param rules the rule catalogue
	 * @param acceptedRisks the risks the application accepted
	 * @param origins where settings come from
	 * @param clients the application's client factories
	 * @param containers the application's listener containers
	 * @param topics the application's topics
	 * @param inspector the topic inspector
	 * @param shareGroups reads the configs of share groups, bounded
	 * @since 0.2.0
	 */
	public ReliabilityAudit(DurabilityRules rules, AcceptedRisks acceptedRisks, SettingOrigins origins,
			Supplier<List<ClientSettings>> clients, Supplier<Collection<MessageListenerContainer>> containers,
			Supplier<Collection<String>> topics, TopicInspector inspector,
			Function<Collection<String>, List<ShareGroupState>> shareGroups) {
		this.rules = rules;
		this.acceptedRisks = acceptedRisks;
		this.origins = origins;
		this.clients = clients;
		this.containers = containers;
		this.topics = topics;
		this.inspector = inspector;
		this.shareGroups = shareGroups;
	}

	/**
	 * Evaluate every rule against every subject.
	 * @return the report
	 */
	public AuditReport audit() {
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
		AuditReport topicReport = auditTopics();
		results.addAll(topicReport.results());
		return new AuditReport(List.copyOf(results), topicReport.brokerError());
	}

	/**
	 * Evaluate the topic rules against every topic the application uses. Every broker
	 * call is bounded by the inspector's timeout; when the brokers do not answer, each
	 * rule's verdict is {@link Verdict#UNKNOWN}.
	 * @return the report
	 */
	public AuditReport auditTopics() {
		Collection<String> names = this.topics.get();
		if (names.isEmpty()) {
			return new AuditReport(List.of(), null);
		}
		TopicsSnapshot snapshot = this.inspector.inspect(names);
		List<RuleResult> results = new ArrayList<>();
		for (String name : names) {
			TopicState state = snapshot.topics().get(name);
			for (Rule<TopicState> rule : this.rules.topicRules()) {
				if (state == null) {
					results.add(result(rule, name, new Reading(false, "unknown: " + snapshot.error()), Verdict.UNKNOWN,
							"brokers did not answer"));
				}
				else if ((state.exists() && rule.appliesTo(state)) || rule == this.rules.topicExists()) {
					results.add(evaluate(rule, state, name, (topic) -> originOf(topic, rule.getSetting())));
				}
			}
		}
		return new AuditReport(List.copyOf(results), snapshot.error());
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
		Verdict verdict = reading.safe() ? Verdict.PASS
				: (this.acceptedRisks.accepts(rule.getId(), name) ? Verdict.ACCEPTED : Verdict.FAIL);
		return result(rule, name, reading, verdict, origin.apply(subject));
	}

	private RuleResult result(Rule<?> rule, String subject, Reading reading, Verdict verdict, String origin) {
		return new RuleResult(rule.getId(), rule.getStage(), subject, rule.getSetting(), rule.getExpected(),
				reading.actual(), verdict, origin, rule.getRationale(), rule.getRemedy());
	}

	private String originOf(TopicState topic, String setting) {
		TopicState.Setting config = topic.config(setting);
		return (config != null) ? "topic '" + topic.name() + "' config, source " + config.source()
				: "topic '" + topic.name() + "' as the brokers report it";
	}

}
