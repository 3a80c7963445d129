package dev.lossless.kafka.actuate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToLongFunction;

import dev.lossless.kafka.consumer.ConsumerOffsetsMonitor;
import dev.lossless.kafka.consumer.ConsumerOffsetsSnapshot;
import dev.lossless.kafka.consumer.ConsumerOffsetsSnapshot.PartitionOffsets;
import dev.lossless.kafka.consumer.LostOffsets;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Binds the lag of the application's consumer groups and their distance to retention to
 * Micrometer, per group, topic and partition: {@code lossless.kafka.consumer.lag},
 * {@code lossless.kafka.consumer.retention.headroom} and
 * {@code lossless.kafka.consumer.records.lost} (with {@link LostOffsets}, the offsets
 * reported lost since the application started: a count of offsets, not records, as
 * transaction markers take offsets too).
 * <p>
 * The gauges are {@link MultiGauge}s set again after every snapshot of the
 * {@link ConsumerOffsetsMonitor}: partitions a group no longer consumes disappear instead
 * of reporting a stale value forever, and reading a gauge never calls the brokers. A
 * snapshot of unreachable brokers keeps the last values, so that an alert on lost records
 * does not resolve merely because the brokers went away. Partitions without a committed
 * offset have no row.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public class ConsumerLagMeterBinder implements MeterBinder {

	private final ConsumerOffsetsMonitor monitor;

	private final List<Gauges> bound = new CopyOnWriteArrayList<>();

	private final @Nullable LostOffsets lostOffsets;

	/**
	 * Create an instance that follows the snapshots of the given monitor.
	 * @param monitor the monitor
	 */
	public ConsumerLagMeterBinder(ConsumerOffsetsMonitor monitor) {
		this(monitor, null);
	}

	/**
	 * Create an instance that follows the snapshots of the given monitor and shows, as
	 * {@code lossless.kafka.consumer.records.lost}, the offsets reported lost since the
	 * application started, which do not return to zero when the group moves on.
	 * @param monitor the monitor
	 * @param lostOffsets the offsets reported lost, or {@code null} for the difference
	 * between the log start and the committed offset in the last snapshot
	 * @since 0.2.0
	 */
	public ConsumerLagMeterBinder(ConsumerOffsetsMonitor monitor, @Nullable LostOffsets lostOffsets) {
		Assert.notNull(monitor, "'monitor' cannot be null");
		this.monitor = monitor;
		this.lostOffsets = lostOffsets;
		monitor.addListener(this::update);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauges gauges = new Gauges(this.lostOffsets,
				MultiGauge.builder("lossless.kafka.consumer.lag")
					.description("Records the consumer group has yet to read: log end offset - committed offset")
					.baseUnit("records")
					.register(registry),
				MultiGauge.builder("lossless.kafka.consumer.retention.headroom")
					.description("Records between the log start offset and the committed offset; "
							+ "retention deletes the group's unread records when it reaches zero")
					.baseUnit("records")
					.register(registry),
				MultiGauge.builder("lossless.kafka.consumer.records.lost")
					.description("Records deleted by retention before the consumer group read them: "
							+ "log start offset - committed offset")
					.baseUnit("records")
					.register(registry));
		this.bound.add(gauges);
		ConsumerOffsetsSnapshot snapshot = this.monitor.snapshot();
		if (snapshot != null) {
			gauges.update(snapshot);
		}
	}

	private void update(ConsumerOffsetsSnapshot snapshot) {
		this.bound.forEach((gauges) -> gauges.update(snapshot));
	}

	private record Gauges(@Nullable LostOffsets lostOffsets, MultiGauge lag, MultiGauge headroom, MultiGauge lost) {

		void update(ConsumerOffsetsSnapshot snapshot) {
			if (!snapshot.reachable()) {
				return;
			}
			List<PartitionOffsets> committed = snapshot.partitions()
				.stream()
				.filter((offsets) -> offsets.committed() != null)
				.toList();
			this.lag.register(rows(committed, (offsets) -> valueOf(offsets.lag())), true);
			this.headroom.register(rows(committed, (offsets) -> valueOf(offsets.headroom())), true);
			if (this.lostOffsets != null) {
				List<MultiGauge.Row<?>> rows = new ArrayList<>();
				this.lostOffsets.totals()
					.forEach((total) -> rows.add(
							MultiGauge.Row.of(tags(total.group(), total.topic(), total.partition()), total.offsets())));
				this.lost.register(rows, true);
			}
			else {
				this.lost.register(rows(committed, PartitionOffsets::lostRecords), true);
			}
		}

		private static List<MultiGauge.Row<?>> rows(List<PartitionOffsets> partitions,
				ToLongFunction<PartitionOffsets> value) {
			List<MultiGauge.Row<?>> rows = new ArrayList<>();
			for (PartitionOffsets offsets : partitions) {
				rows.add(MultiGauge.Row.of(tags(offsets.group(), offsets.topic(), offsets.partition()),
						value.applyAsLong(offsets)));
			}
			return rows;
		}

		private static Tags tags(String group, String topic, int partition) {
			return Tags.of("group", group, "topic", topic, "partition", String.valueOf(partition));
		}

		private static long valueOf(@Nullable Long value) {
			return (value != null) ? value : 0;
		}

	}

}
