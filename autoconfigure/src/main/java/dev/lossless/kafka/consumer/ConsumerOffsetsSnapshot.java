package dev.lossless.kafka.consumer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The committed offsets of consumer groups against the offsets their partitions still
 * retain, at one moment, or the reason they could not be read.
 *
 * @param partitions the offsets of each partition a group consumes, ordered by group,
 * topic and partition
 * @param time when the inspection started
 * @param took how long the inspection took
 * @param error why the brokers could not be asked, or {@code null} when they answered
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public record ConsumerOffsetsSnapshot(List<PartitionOffsets> partitions, Instant time, Duration took,
		@Nullable String error) {

	/**
	 * Create an instance.
	 * @param partitions the offsets of each partition a group consumes
	 * @param time when the inspection started
	 * @param took how long the inspection took
	 * @param error why the brokers could not be asked, or {@code null}
	 */
	public ConsumerOffsetsSnapshot {
		partitions = List.copyOf(partitions);
	}

	/**
	 * Return a snapshot for brokers that could not be asked.
	 * @param error the reason
	 * @param time when the inspection started
	 * @param took how long the inspection took
	 * @return the snapshot
	 */
	public static ConsumerOffsetsSnapshot unreachable(String error, Instant time, Duration took) {
		return new ConsumerOffsetsSnapshot(List.of(), time, took, error);
	}

	/**
	 * Return whether the brokers answered.
	 * @return whether the brokers answered
	 */
	public boolean reachable() {
		return this.error == null;
	}

	/**
	 * Return the partitions with the given verdict.
	 * @param verdict the verdict
	 * @return the partitions, in the snapshot's order
	 */
	public List<PartitionOffsets> withVerdict(Verdict verdict) {
		return this.partitions.stream().filter((partition) -> partition.verdict() == verdict).toList();
	}

	/**
	 * Return the offsets of one partition as consumed by one group.
	 * @param group the consumer group
	 * @param topic the topic
	 * @param partition the partition
	 * @return the offsets, or {@code null} when the snapshot has none for that partition
	 */
	public @Nullable PartitionOffsets partition(String group, String topic, int partition) {
		for (PartitionOffsets offsets : this.partitions) {
			if (offsets.group().equals(group) && offsets.topic().equals(topic) && offsets.partition() == partition) {
				return offsets;
			}
		}
		return null;
	}

	/**
	 * How close a consumer group is to losing the records of a partition to retention.
	 */
	public enum Verdict {

		/**
		 * The group's committed offset is well inside the retained log.
		 */
		OK,

		/**
		 * The group still has to read most of what the partition retains: its position is
		 * near the log start, where the broker deletes records next.
		 */
		AT_RISK,

		/**
		 * The group's committed offset is below the partition's log start: records were
		 * deleted before the group consumed them.
		 */
		LOST,

		/**
		 * The group has committed no offset for the partition. It is not at risk: a
		 * consumer that starts from the earliest retained record
		 * ({@code auto.offset.reset=earliest}) reads whatever the partition still holds.
		 */
		NOT_COMMITTED

	}

	/**
	 * The offsets of one partition as consumed by one group, and the verdict drawn from
	 * them.
	 * <p>
	 * Records are deleted from the log start (by {@code retention.ms} or
	 * {@code retention.bytes}, one whole segment at a time, or by
	 * {@code Admin.deleteRecords}), so a consumer whose committed offset is near the log
	 * start is the next to lose data. The partition is {@link Verdict#AT_RISK at risk}
	 * when the group still has to read at least the {@code riskThreshold} fraction of the
	 * records the partition retains: {@code (logEnd - committed) / (logEnd - logStart)
	 * >= riskThreshold}, with records retained and a lag above zero. With a threshold of
	 * 0.8, the consumer is at risk when its position is in the oldest fifth of the log.
	 * The rule does not know whether the log has reached its retention limit yet: a young
	 * topic whose oldest records are far from their {@code retention.ms} is reported at
	 * risk as soon as the group falls that far behind, which is a warning early rather
	 * than late.
	 *
	 * @param group the consumer group
	 * @param topic the topic
	 * @param partition the partition
	 * @param committed the group's committed offset, or {@code null} when it committed
	 * none
	 * @param logStart the partition's log start offset, the earliest retained
	 * @param logEnd the partition's log end offset (high watermark), the next offset
	 * written
	 * @param verdict the verdict
	 */
	public record PartitionOffsets(String group, String topic, int partition, @Nullable Long committed, long logStart,
			long logEnd, Verdict verdict) {

		/**
		 * Return the offsets of a partition with the verdict the offsets give.
		 * @param group the consumer group
		 * @param topic the topic
		 * @param partition the partition
		 * @param committed the group's committed offset, or {@code null}
		 * @param logStart the partition's log start offset
		 * @param logEnd the partition's log end offset
		 * @param riskThreshold the fraction of the retained records that the group may
		 * still have to read before it is at risk, greater than 0 and at most 1
		 * @return the offsets
		 */
		public static PartitionOffsets of(String group, String topic, int partition, @Nullable Long committed,
				long logStart, long logEnd, double riskThreshold) {
			Assert.isTrue(riskThreshold > 0 && riskThreshold <= 1, "'riskThreshold' must be in (0, 1]");
			return new PartitionOffsets(group, topic, partition, committed, logStart, logEnd,
					verdictOf(committed, logStart, logEnd, riskThreshold));
		}

		private static Verdict verdictOf(@Nullable Long committed, long logStart, long logEnd, double riskThreshold) {
			if (committed == null) {
				return Verdict.NOT_COMMITTED;
			}
			if (committed < logStart) {
				return Verdict.LOST;
			}
			long retained = logEnd - logStart;
			long lag = logEnd - committed;
			if (retained > 0 && lag > 0 && (double) lag / retained >= riskThreshold) {
				return Verdict.AT_RISK;
			}
			return Verdict.OK;
		}

		/**
		 * Return how many records the group has yet to read: {@code logEnd - committed},
		 * never below zero.
		 * @return the lag, or {@code null} when the group committed no offset
		 */
		public @Nullable Long lag() {
			return (this.committed != null) ? Math.max(0, this.logEnd - this.committed) : null;
		}

		/**
		 * Return how many records the group has read that the partition still retains,
		 * {@code committed - logStart}: how far the group is from losing records to
		 * retention. Negative when records were lost.
		 * @return the headroom, or {@code null} when the group committed no offset
		 */
		public @Nullable Long headroom() {
			return (this.committed != null) ? this.committed - this.logStart : null;
		}

		/**
		 * Return how many records were deleted before the group consumed them,
		 * {@code logStart - committed}.
		 * @return the number of lost records, {@code 0} unless the verdict is
		 * {@link Verdict#LOST}
		 */
		public long lostRecords() {
			return (this.committed != null) ? Math.max(0, this.logStart - this.committed) : 0;
		}

	}

}
