package dev.lossless.kafka.actuate;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.lossless.kafka.deadletter.DeadLetters;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.ApplicationListener;

/**
 * Meters of the dead-letter topics: {@code lossless.kafka.dlt.offsets}, one gauge per
 * dead-letter topic, tagged {@code topic}, registered once the listener containers exist
 * (the application has started). A gauge reads the offsets at most every 10 seconds.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public class DeadLetterMeterBinder implements MeterBinder, ApplicationListener<ApplicationStartedEvent> {

	private final DeadLetters deadLetters;

	private final Set<String> registered = ConcurrentHashMap.newKeySet();

	private volatile @Nullable MeterRegistry registry;

	/**
	 * Create an instance.
	 * @param deadLetters the application's dead-letter topics
	 */
	public DeadLetterMeterBinder(DeadLetters deadLetters) {
		this.deadLetters = deadLetters;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registry = registry;
		register();
	}

	@Override
	public void onApplicationEvent(ApplicationStartedEvent event) {
		register();
	}

	private void register() {
		MeterRegistry meterRegistry = this.registry;
		if (meterRegistry == null) {
			return;
		}
		for (String topic : this.deadLetters.topics()) {
			if (this.registered.add(topic)) {
				Gauge.builder("lossless.kafka.dlt.offsets", this.deadLetters, (deadLetters) -> {
					Long offsets = deadLetters.offsets().byTopic().get(topic);
					return (offsets != null) ? offsets : Double.NaN;
				})
					.tag("topic", topic)
					.description("Offsets the dead-letter topic holds (log end minus log start): its records, "
							+ "plus transaction markers")
					.register(meterRegistry);
			}
		}
	}

}
