package dev.lossless.kafka.deadletter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.kafka.common.KafkaException;
import org.jspecify.annotations.Nullable;

/**
 * The application's dead-letter topics: what they hold, and redriving their records to
 * the topics they failed on once the cause is fixed.
 *
 * <pre class="code">
 * deadLetters.redrive("orders-dlt", RedriveFilter.exceptionClass("OrderRejectedException"));
 * </pre>
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class DeadLetters {

	private static final Duration OFFSETS_CACHE = Duration.ofSeconds(10);

	private final Supplier<Collection<String>> topics;

	private final DeadLetterInspector inspector;

	private final DeadLetterRedriver redriver;

	private final Object offsetsLock = new Object();

	private @Nullable HeldOffsets offsets;

	/**
	 * Create an instance.
	 * @param topics the application's dead-letter topics
	 * @param inspector reads the topics
	 * @param redriver republishes their records
	 */
	public DeadLetters(Supplier<Collection<String>> topics, DeadLetterInspector inspector,
			DeadLetterRedriver redriver) {
		this.topics = topics;
		this.inspector = inspector;
		this.redriver = redriver;
	}

	/**
	 * Return the application's dead-letter topics: those of its listeners' topics.
	 * @return the topic names
	 */
	public Collection<String> topics() {
		return this.topics.get();
	}

	/**
	 * Read every dead-letter topic (bounded by {@code lossless.kafka.dlt.timeout} per
	 * topic).
	 * @return one report per topic
	 */
	public List<DeadLetterTopicReport> inspect() {
		List<DeadLetterTopicReport> reports = new ArrayList<>();
		for (String topic : topics()) {
			reports.add(this.inspector.inspect(topic));
		}
		return reports;
	}

	/**
	 * Read one dead-letter topic of the application.
	 * @param topic the dead-letter topic
	 * @return its report
	 * @throws IllegalArgumentException when the topic is not a dead-letter topic of the
	 * application
	 */
	public DeadLetterTopicReport inspect(String topic) {
		return this.inspector.inspect(checked(topic));
	}

	/**
	 * Return the offsets each dead-letter topic holds: log end minus log start, an upper
	 * bound of its records (transaction markers take offsets too). Read at most every 10
	 * seconds; the brokers' answer is bounded by the timeout.
	 * @return the offsets held, with the error when the brokers did not answer
	 */
	public HeldOffsets offsets() {
		synchronized (this.offsetsLock) {
			HeldOffsets current = this.offsets;
			if (current != null && System.nanoTime() - current.readAt() < OFFSETS_CACHE.toNanos()) {
				return current;
			}
			HeldOffsets read;
			try {
				read = new HeldOffsets(this.inspector.offsets(topics()), null, System.nanoTime());
			}
			catch (KafkaException ex) {
				read = new HeldOffsets(Map.of(), ex.toString(), System.nanoTime());
			}
			this.offsets = read;
			return read;
		}
	}

	/**
	 * Republish the dead letters of the given topic that the filter matches to their
	 * original topic, and remember how far it got.
	 * @param topic the dead-letter topic
	 * @param filter which dead letters to republish
	 * @return the outcome
	 * @throws IllegalArgumentException when the topic is not a dead-letter topic of the
	 * application or does not exist
	 * @throws IllegalStateException when a redrive of that topic is running
	 */
	public RedriveResult redrive(String topic, RedriveFilter filter) {
		return this.redriver.redrive(checked(topic), filter);
	}

	private String checked(String topic) {
		Collection<String> known = topics();
		if (!known.contains(topic)) {
			throw new IllegalArgumentException("'" + topic
					+ "' is not a dead-letter topic of this application; its dead-letter topics are " + known);
		}
		return topic;
	}

	/**
	 * The offsets the dead-letter topics hold.
	 *
	 * @param byTopic the offsets held per existing topic
	 * @param error why the brokers could not be read, if they could not
	 * @param readAt when they were read, in {@link System#nanoTime()} terms
	 */
	public record HeldOffsets(Map<String, Long> byTopic, @Nullable String error, long readAt) {

		public HeldOffsets {
			byTopic = new LinkedHashMap<>(byTopic);
		}

		/**
		 * Return the dead-letter topics that exist.
		 * @return the topic names
		 */
		public Set<String> topics() {
			return this.byTopic.keySet();
		}

	}

}
