package dev.lossless.kafka.actuate;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.lossless.kafka.worker.BackgroundWorker;
import dev.lossless.kafka.worker.Liveness;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the starter's background loops (the send journal's replayer, the lag monitor,
 * the cleaners): {@code DOWN} when one died (an error ended its thread) or its last cycle
 * ended longer ago than a few of its intervals, with each loop's last cycle and last
 * successful cycle.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public class BackgroundWorkersHealthIndicator extends AbstractHealthIndicator {

	private final Supplier<List<BackgroundWorker>> workers;

	private final Clock clock;

	/**
	 * Create an instance.
	 * @param workers the workers, asked on each check
	 */
	public BackgroundWorkersHealthIndicator(Supplier<List<BackgroundWorker>> workers) {
		this(workers, Clock.systemUTC());
	}

	BackgroundWorkersHealthIndicator(Supplier<List<BackgroundWorker>> workers, Clock clock) {
		super("Background workers health check failed");
		this.workers = workers;
		this.clock = clock;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Instant now = this.clock.instant();
		List<String> problems = new ArrayList<>();
		for (BackgroundWorker worker : this.workers.get()) {
			Liveness liveness = worker.liveness();
			String problem = liveness.problem(now);
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("running", liveness.running());
			details.put("alive", liveness.alive());
			if (liveness.lastCycle() != null) {
				details.put("lastCycle", liveness.lastCycle().toString());
			}
			if (liveness.lastSuccess() != null) {
				details.put("lastSuccess", liveness.lastSuccess().toString());
			}
			if (problem != null) {
				details.put("problem", problem);
				problems.add(liveness.name() + " " + problem);
			}
			builder.withDetail(liveness.name(), details);
		}
		if (problems.isEmpty()) {
			builder.up();
		}
		else {
			builder.down().withDetail("reason", String.join("; ", problems));
		}
	}

}
