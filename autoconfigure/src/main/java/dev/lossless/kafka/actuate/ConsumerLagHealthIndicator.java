package dev.lossless.kafka.actuate;

import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.lossless.kafka.consumer.ConsumerOffsetsSnapshot;
import dev.lossless.kafka.consumer.ConsumerOffsetsSnapshot.PartitionOffsets;
import dev.lossless.kafka.consumer.ConsumerOffsetsSnapshot.Verdict;
import dev.lossless.kafka.consumer.LostOffsets;
import dev.lossless.kafka.consumer.LostOffsets.LostRange;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.util.Assert;

/**
 * Health of the application's consumer groups against retention, read from the last
 * {@link ConsumerOffsetsSnapshot}: {@code DOWN} when a group's committed offset is below
 * a partition's log start (records were deleted before they were consumed),
 * {@link #WARNING} when a group is {@link Verdict#AT_RISK at risk} of it, {@code UP}
 * otherwise, and {@code UNKNOWN} before the first snapshot or while the brokers do not
 * answer.
 * <p>
 * {@code WARNING} is not in Spring Boot's default status order, which ignores it when it
 * aggregates: add it to {@code management.endpoint.health.status.order} (for example
 * {@code down,out-of-service,warning,up,unknown}) for it to show in the overall status.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public class ConsumerLagHealthIndicator extends AbstractHealthIndicator {

	/**
	 * The status of a consumer group close to losing records to retention.
	 */
	public static final Status WARNING = new Status("WARNING",
			"A consumer group is close to losing records to retention");

	/**
	 * The default number of partitions listed in the details.
	 */
	public static final int DEFAULT_MAX_LISTED_PARTITIONS = 20;

	private static final Comparator<PartitionOffsets> WORST_FIRST = Comparator
		.comparingInt((PartitionOffsets offsets) -> severityOf(offsets.verdict()))
		.thenComparing(Comparator.comparingLong(PartitionOffsets::lostRecords).reversed());

	private final Supplier<@Nullable ConsumerOffsetsSnapshot> snapshot;

	private final int maxListedPartitions;

	private final @Nullable LostOffsets lostOffsets;

	/**
	 * Create an instance that lists at most {@link #DEFAULT_MAX_LISTED_PARTITIONS}
	 * partitions.
	 * @param snapshot the last snapshot, for example {@code monitor::snapshot}
	 */
	public ConsumerLagHealthIndicator(Supplier<@Nullable ConsumerOffsetsSnapshot> snapshot) {
		this(snapshot, DEFAULT_MAX_LISTED_PARTITIONS);
	}

	/**
	 * Create an instance.
	 * @param snapshot the last snapshot, for example {@code monitor::snapshot}
	 * @param maxListedPartitions how many partitions the details list at most, the worst
	 * first; the others are counted
	 */
	public ConsumerLagHealthIndicator(Supplier<@Nullable ConsumerOffsetsSnapshot> snapshot, int maxListedPartitions) {
		this(snapshot, maxListedPartitions, null);
	}

	/**
	 * Create an instance that also stays {@code DOWN} while offsets a group never read
	 * are not acknowledged, although the group moved on.
	 * @param snapshot the last snapshot, for example {@code monitor::snapshot}
	 * @param maxListedPartitions how many partitions the details list at most, the worst
	 * first; the others are counted
	 * @param lostOffsets the offsets reported lost, or {@code null}
	 * @since 0.2.0
	 */
	public ConsumerLagHealthIndicator(Supplier<@Nullable ConsumerOffsetsSnapshot> snapshot, int maxListedPartitions,
			@Nullable LostOffsets lostOffsets) {
		super("Kafka consumer lag health check failed");
		Assert.notNull(snapshot, "'snapshot' cannot be null");
		Assert.isTrue(maxListedPartitions >= 0, "'maxListedPartitions' cannot be negative");
		this.snapshot = snapshot;
		this.maxListedPartitions = maxListedPartitions;
		this.lostOffsets = lostOffsets;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		checkSnapshot(builder);
		List<LostRange> losses = (this.lostOffsets != null) ? this.lostOffsets.unacknowledged() : List.of();
		long offsets = (this.lostOffsets != null) ? this.lostOffsets.unacknowledgedOffsets() : 0;
		if (offsets > 0) {
			builder.down()
				.withDetail("reason",
						offsets + " offset(s) were never read by their consumer group: deleted "
								+ "before it read them (retention, DeleteRecords) or skipped by an out-of-range reset; "
								+ "reported until acknowledged (DELETE /actuator/kafkareliability/lost-offsets)")
				.withDetail("losses",
						losses.stream().limit(this.maxListedPartitions).map(LostRange::describe).toList());
		}
	}

	private void checkSnapshot(Health.Builder builder) {
		ConsumerOffsetsSnapshot snapshot = this.snapshot.get();
		if (snapshot == null) {
			builder.unknown().withDetail("reason", "the consumer group offsets have not been read yet");
			return;
		}
		builder.withDetail("time", snapshot.time().toString()).withDetail("tookMs", snapshot.took().toMillis());
		String error = snapshot.error();
		if (error != null) {
			builder.unknown().withDetail("reason", error);
			return;
		}
		List<PartitionOffsets> lost = snapshot.withVerdict(Verdict.LOST);
		List<PartitionOffsets> atRisk = snapshot.withVerdict(Verdict.AT_RISK);
		if (!lost.isEmpty()) {
			long records = lost.stream().mapToLong(PartitionOffsets::lostRecords).sum();
			builder.down()
				.withDetail("reason",
						records + " record(s) of " + lost.size()
								+ " partition(s) were deleted by retention before their consumer group read them")
				.withDetail("lost", lost.stream().limit(this.maxListedPartitions).map(this::describeLoss).toList());
		}
		else if (!atRisk.isEmpty()) {
			builder.status(WARNING)
				.withDetail("reason", atRisk.size() + " partition(s) are close to losing records to retention: "
						+ "their consumer group still has to read most of what the partition retains");
		}
		else {
			builder.up();
		}
		if (!atRisk.isEmpty()) {
			builder.withDetail("atRisk",
					atRisk.stream().limit(this.maxListedPartitions).map(this::describeRisk).toList());
		}
		builder.withDetail("verdicts", countByVerdict(snapshot.partitions()));
		builder.withDetail("groups", listed(snapshot.partitions()));
		int omitted = snapshot.partitions().size() - this.maxListedPartitions;
		if (omitted > 0) {
			builder.withDetail("omittedPartitions", omitted);
		}
	}

	private String describeLoss(PartitionOffsets offsets) {
		return "group " + offsets.group() + ", " + offsets.topic() + "-" + offsets.partition() + ": "
				+ offsets.lostRecords() + " record(s) lost (committed offset " + offsets.committed()
				+ ", log start offset " + offsets.logStart() + ")";
	}

	private String describeRisk(PartitionOffsets offsets) {
		return "group " + offsets.group() + ", " + offsets.topic() + "-" + offsets.partition() + ": lag "
				+ offsets.lag() + " of " + (offsets.logEnd() - offsets.logStart()) + " retained record(s), headroom "
				+ offsets.headroom();
	}

	private static Map<Verdict, Integer> countByVerdict(List<PartitionOffsets> partitions) {
		Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
		partitions.forEach((offsets) -> counts.merge(offsets.verdict(), 1, Integer::sum));
		return counts;
	}

	private Map<String, Map<String, Map<String, Object>>> listed(List<PartitionOffsets> partitions) {
		Map<String, Map<String, Map<String, Object>>> groups = new LinkedHashMap<>();
		partitions.stream().sorted(WORST_FIRST).limit(this.maxListedPartitions).forEach((offsets) -> {
			Map<String, Object> details = new LinkedHashMap<>();
			if (offsets.committed() != null) {
				details.put("committed", offsets.committed());
			}
			details.put("logStart", offsets.logStart());
			details.put("logEnd", offsets.logEnd());
			if (offsets.committed() != null) {
				details.put("lag", offsets.lag());
				details.put("headroom", offsets.headroom());
			}
			details.put("verdict", offsets.verdict());
			if (offsets.verdict() == Verdict.LOST) {
				details.put("lostRecords", offsets.lostRecords());
			}
			groups.computeIfAbsent(offsets.group(), (group) -> new LinkedHashMap<>())
				.put(offsets.topic() + "-" + offsets.partition(), details);
		});
		return groups;
	}

	private static int severityOf(Verdict verdict) {
		return switch (verdict) {
			case LOST -> 0;
			case AT_RISK -> 1;
			case OK -> 2;
			case NOT_COMMITTED -> 3;
		};
	}

}
