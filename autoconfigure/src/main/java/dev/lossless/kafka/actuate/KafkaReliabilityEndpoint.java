package dev.lossless.kafka.actuate;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.lossless.kafka.consumer.LostOffsets;
import dev.lossless.kafka.consumer.LostOffsets.LostRange;
import dev.lossless.kafka.producer.SendJournalReplayer;
import dev.lossless.kafka.rules.AcceptedRisks;
import dev.lossless.kafka.rules.AuditReport;
import dev.lossless.kafka.rules.Enforcement;
import dev.lossless.kafka.rules.ReliabilityAudit;
import dev.lossless.kafka.rules.RuleResult;
import dev.lossless.kafka.rules.Verdict;
import dev.lossless.kafka.sequence.SequenceChecker;
import dev.lossless.kafka.sequence.SequenceChecker.OpenRange;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@link Endpoint @Endpoint} that shows every durability rule evaluated against the
 * running application: one entry per rule and subject, with the expected value, the
 * actual value, where it came from and the verdict. Its write operations, which
 * acknowledge sequence gaps and lost offsets, are closed unless the application opens
 * them ({@code management.endpoint.kafkareliability.access=unrestricted}, or
 * {@code management.endpoints.access.default=unrestricted} for every endpoint): exposing
 * the endpoint does not let anyone erase the evidence of a loss.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
@Endpoint(id = "kafkareliability", defaultAccess = Access.READ_ONLY)
public class KafkaReliabilityEndpoint {

	private final ReliabilityAudit audit;

	private final Enforcement enforcement;

	private final AcceptedRisks acceptedRisks;

	private final @Nullable SequenceChecker sequenceChecker;

	private final @Nullable LostOffsets lostOffsets;

	private final @Nullable SendJournalReplayer journalReplayer;

	/**
	 * Create an instance.
	 * @param audit the audit to run on each read
	 * @param enforcement the enforcement mode in force
	 * @param acceptedRisks the accepted risks
	 * @param sequenceChecker the sequence checker whose gaps can be acknowledged, or
	 * {@code null}
	 */
	public KafkaReliabilityEndpoint(ReliabilityAudit audit, Enforcement enforcement, AcceptedRisks acceptedRisks,
			@Nullable SequenceChecker sequenceChecker) {
		this(audit, enforcement, acceptedRisks, sequenceChecker, null, null);
	}

	/**
	 * Create an instance.
	 * @param audit the audit to run on each read
	 * @param enforcement the enforcement mode in force
	 * @param acceptedRisks the accepted risks
	 * @param sequenceChecker the sequence checker whose gaps can be acknowledged, or
	 * {@code null}
	 * @param lostOffsets the lost offsets that can be acknowledged, or {@code null}
	 * @param journalReplayer the send journal's replayer, or {@code null}
	 * @since 0.2.0
	 */
	public KafkaReliabilityEndpoint(ReliabilityAudit audit, Enforcement enforcement, AcceptedRisks acceptedRisks,
			@Nullable SequenceChecker sequenceChecker, @Nullable LostOffsets lostOffsets,
			@Nullable SendJournalReplayer journalReplayer) {
		this.audit = audit;
		this.enforcement = enforcement;
		this.acceptedRisks = acceptedRisks;
		this.sequenceChecker = sequenceChecker;
		this.lostOffsets = lostOffsets;
		this.journalReplayer = journalReplayer;
	}

	@ReadOperation
	public ReliabilityDescriptor reliability() {
		AuditReport report = this.audit.audit();
		List<RuleDescriptor> rules = report.results().stream().map(RuleDescriptor::new).toList();
		return new ReliabilityDescriptor(this.enforcement.name().toLowerCase(Locale.ROOT), this.acceptedRisks.entries(),
				statusOf(report), report.withStatus(Verdict.PASS).size(), report.violations().size(),
				report.withStatus(Verdict.ACCEPTED).size(), report.withStatus(Verdict.UNKNOWN).size(),
				report.brokerError(), rules);
	}

	/**
	 * Acknowledge what an operator has looked at, one partition at a time, and log what
	 * was cleared: {@code DELETE /actuator/kafkareliability/sequence-gaps} clears
	 * unresolved sequence gaps (the {@code sequence} health returns to {@code UP} when
	 * none is left), {@code DELETE /actuator/kafkareliability/lost-offsets} clears
	 * offsets reported lost (the {@code lag} health leaves {@code DOWN} when none is
	 * left). The counters are kept. Closed unless the application opens the endpoint's
	 * write operations
	 * ({@code management.endpoint.kafkareliability.access=unrestricted}).
	 * @param what {@code sequence-gaps} or {@code lost-offsets}
	 * @param group the consumer group
	 * @param topic the topic
	 * @param partition the partition
	 * @param producer for sequence gaps, the producer id in hexadecimal, or {@code null}
	 * for every producer
	 * @param from the first sequence number (inclusive) or offset (inclusive) to
	 * acknowledge, or {@code null} from the first
	 * @param to the last sequence number (inclusive) or the offset after the last one
	 * (exclusive) to acknowledge, or {@code null} up to the last
	 * @return what was acknowledged, or {@code null} (404) for anything else or when it
	 * is not detected
	 */
	@DeleteOperation
	public @Nullable Acknowledged acknowledge(@Selector String what, String group, String topic, int partition,
			@Nullable String producer, @Nullable Long from, @Nullable Long to) {
		if ("sequence-gaps".equals(what) && this.sequenceChecker != null) {
			List<OpenRange> ranges = this.sequenceChecker.acknowledgeGaps(group, topic, partition, producer, from, to);
			long records = ranges.stream().mapToLong((range) -> range.lastMissing() - range.firstMissing() + 1).sum();
			List<String> cleared = ranges.stream()
				.map((range) -> "producer " + range.producer() + ", sequence " + range.firstMissing() + " to "
						+ range.lastMissing())
				.toList();
			return new Acknowledged(records, cleared, this.sequenceChecker.statistics().unresolvedRecords());
		}
		if ("lost-offsets".equals(what) && this.lostOffsets != null) {
			LostOffsets.Acknowledged acknowledged = this.lostOffsets.acknowledge(group, topic, partition, from, to);
			List<String> cleared = acknowledged.ranges().stream().map(LostRange::describe).toList();
			return new Acknowledged(acknowledged.offsets(), cleared, this.lostOffsets.unacknowledgedOffsets());
		}
		return null;
	}

	/**
	 * Act on a stuck lane of the send journal ({@code POST
	 * /actuator/kafkareliability/journal-lanes/retry} or {@code .../reject} with
	 * {@code topic} and {@code partition}): {@code retry} tries it again now (once its
	 * topic exists, for example), {@code reject} moves its entries to the rejected
	 * journal, where they are kept for an operator.
	 * @param what {@code journal-lanes}
	 * @param action {@code retry} or {@code reject}
	 * @param topic the lane's topic
	 * @param partition the lane's partition, absent for entries journaled without one
	 * @return whether the lane was stuck (the action applies) and the stuck lanes, or
	 * {@code null} (no content) when the action is unknown or there is no send journal
	 * @since 0.2.0
	 */
	@WriteOperation
	public @Nullable JournalLanes journalLane(@Selector String what, @Selector String action, String topic,
			@Nullable Integer partition) {
		SendJournalReplayer replayer = this.journalReplayer;
		if (!"journal-lanes".equals(what) || replayer == null) {
			return null;
		}
		Boolean stuck = switch (action) {
			case "retry" -> replayer.retryLane(topic, partition);
			case "reject" -> replayer.rejectLane(topic, partition);
			default -> null;
		};
		return (stuck != null) ? new JournalLanes(action, stuck, replayer.stuckLanes()) : null;
	}

	private static String statusOf(AuditReport report) {
		if (!report.violations().isEmpty()) {
			return Verdict.FAIL.name();
		}
		return report.withStatus(Verdict.UNKNOWN).isEmpty() ? Verdict.PASS.name() : Verdict.UNKNOWN.name();
	}

	/**
	 * The endpoint's answer.
	 *
	 * @param enforcement the enforcement mode
	 * @param acceptedRisks the accepted risks
	 * @param status {@code FAIL} when any rule fails, else {@code UNKNOWN} when a rule
	 * could not be evaluated, else {@code PASS}
	 * @param passed how many results passed
	 * @param failed how many results failed
	 * @param accepted how many results are accepted risks
	 * @param unknown how many results could not be evaluated
	 * @param brokerError why the brokers could not be asked, if they could not
	 * @param rules one entry per rule and subject
	 */
	public record ReliabilityDescriptor(String enforcement, Set<String> acceptedRisks, String status, int passed,
			int failed, int accepted, int unknown, @Nullable String brokerError,
			List<RuleDescriptor> rules) implements OperationResponseBody {

	}

	/**
	 * The answer to an action on a stuck lane of the send journal; the action is done by
	 * the replay thread shortly after.
	 *
	 * @param requested the action requested
	 * @param applied whether the lane was stuck, so that the action applies
	 * @param stuckLanes the stuck lanes when the action was requested
	 */
	public record JournalLanes(String requested, boolean applied,
			List<SendJournalReplayer.Lane.Stuck> stuckLanes) implements OperationResponseBody {

	}

	/**
	 * The answer to an acknowledgement.
	 *
	 * @param acknowledged how many missing records (sequence gaps) or lost offsets were
	 * acknowledged
	 * @param cleared the ranges cleared
	 * @param remaining how many are still unacknowledged, in every partition
	 */
	public record Acknowledged(long acknowledged, List<String> cleared,
			long remaining) implements OperationResponseBody {

	}

	/**
	 * One rule evaluated against one subject.
	 *
	 * @param id the rule id
	 * @param stage {@code producer}, {@code broker} or {@code consumer}
	 * @param subject the factory, container or topic evaluated
	 * @param setting the setting read
	 * @param expected the expected value
	 * @param actual the actual value
	 * @param status {@code PASS}, {@code FAIL}, {@code ACCEPTED} or {@code UNKNOWN}
	 * @param origin where the actual value came from
	 * @param rationale why a violation can lose messages
	 * @param remedy what to do about a violation
	 */
	public record RuleDescriptor(String id, String stage, String subject, String setting, String expected,
			String actual, Verdict status, String origin, String rationale, String remedy) {

		RuleDescriptor(RuleResult result) {
			this(result.id(), result.stage().name().toLowerCase(Locale.ROOT), result.subject(), result.setting(),
					result.expected(), result.actual(), result.status(), result.origin(), result.rationale(),
					result.remedy());
		}

	}

}
