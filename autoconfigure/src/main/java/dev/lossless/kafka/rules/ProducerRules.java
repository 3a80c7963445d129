package dev.lossless.kafka.rules;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.jspecify.annotations.Nullable;

/**
 * The catalogue's rules on producer settings, and how Kafka's client judges the same
 * settings (what turns idempotence off, what it refuses).
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class ProducerRules {

	private static final String ACKS_ALL = "all";

	/**
	 * The most requests in flight an idempotent producer may have (Kafka's
	 * {@code MAX_IN_FLIGHT_REQUESTS_FOR_IDEMPOTENCE}, which is not public).
	 */
	private static final int MAX_IN_FLIGHT_FOR_IDEMPOTENCE = 5;

	private static final Map<String, Object> KAFKA_PRODUCER_DEFAULTS = ProducerConfig.configDef().defaultValues();

	private ProducerRules() {
	}

	static List<Rule<ClientSettings>> rules() {
		return List.of(producerAcks(), producerIdempotence(), producerRetries(), producerMaxInFlight());
	}

	private static Rule<ClientSettings> producerAcks() {
		return new Rule<>("producer.acks", Stage.PRODUCER, ProducerConfig.ACKS_CONFIG, "all",
				"With acks=0 or acks=1 a record is acknowledged before the followers have copied it; when the leader "
						+ "fails, acknowledged records vanish. acks other than all also turns idempotence off.",
				"Remove the setting, or set spring.kafka.producer.acks=all.", (settings) -> {
					String acks = settings.get(ProducerConfig.ACKS_CONFIG);
					if (acks == null) {
						return new Reading(true, kafkaDefault(ProducerConfig.ACKS_CONFIG) + " (Kafka default)");
					}
					return new Reading(isAcksAll(acks), acks);
				});
	}

	private static Rule<ClientSettings> producerIdempotence() {
		return new Rule<>("producer.idempotence", Stage.PRODUCER, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
				"Without idempotence a retried send can be written twice, and a retry after a lost response can be "
						+ "reordered behind later records; the broker also stops detecting gaps in the sequence.",
				"Remove the setting, or set spring.kafka.producer.properties[enable.idempotence]=true "
						+ "(idempotence needs acks=all, retries > 0 and at most 5 requests in flight).",
				(settings) -> {
					String explicit = settings.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
					String refusal = clientRefusal(settings);
					if (refusal != null) {
						return new Reading(false, (explicit != null) ? explicit : "true (Kafka default)", null,
								refusal);
					}
					if (explicit != null) {
						return new Reading(Boolean.parseBoolean(explicit), explicit);
					}
					Conflict conflict = implicitConflict(settings);
					if (conflict != null) {
						return new Reading(false, "false (turned off implicitly by " + conflict.setting() + ")",
								conflict.ruleId(), null);
					}
					return new Reading(true,
							kafkaDefault(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG) + " (Kafka default)");
				});
	}

	private static Rule<ClientSettings> producerRetries() {
		return new Rule<>("producer.retries", Stage.PRODUCER, ProducerConfig.RETRIES_CONFIG,
				"> 0 (Integer.MAX_VALUE, bounded by delivery.timeout.ms)",
				"With retries=0 a transient error (a leader election, a full request queue) fails the send at once "
						+ "instead of retrying until delivery.timeout.ms.",
				"Remove the setting; bound the time spent retrying with lossless.kafka.producer.delivery-timeout.",
				(settings) -> {
					String retries = settings.get(ProducerConfig.RETRIES_CONFIG);
					if (retries == null) {
						return new Reading(true, kafkaDefault(ProducerConfig.RETRIES_CONFIG) + " (Kafka default)");
					}
					return new Reading(Integer.parseInt(retries) > 0, retries);
				});
	}

	private static Rule<ClientSettings> producerMaxInFlight() {
		return new Rule<>("producer.max-in-flight", Stage.PRODUCER,
				ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "<= " + MAX_IN_FLIGHT_FOR_IDEMPOTENCE,
				"With more than 5 requests in flight the producer cannot be idempotent, so a retried batch can land "
						+ "behind a later one, or twice.",
				"Remove the setting, or set spring.kafka.producer.properties[max.in.flight.requests.per.connection] "
						+ "to 5 or less.",
				(settings) -> {
					String inFlight = settings.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
					if (inFlight == null) {
						return new Reading(true, kafkaDefault(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION)
								+ " (Kafka default)");
					}
					return new Reading(Integer.parseInt(inFlight) <= MAX_IN_FLIGHT_FOR_IDEMPOTENCE, inFlight);
				});
	}

	private static boolean isAcksAll(String acks) {
		return ACKS_ALL.equalsIgnoreCase(acks) || "-1".equals(acks);
	}

	/**
	 * Return the setting that turns idempotence off implicitly when
	 * {@code enable.idempotence} is not set. In Kafka 4.2 only {@code acks} other than
	 * {@code all} and {@code retries=0} do; more than 5 requests in flight make the
	 * client refuse the settings instead (see {@link #clientRefusal(ClientSettings)}).
	 * @param settings the producer settings
	 * @return the conflicting setting as {@code key=value}, or {@code null} when
	 * idempotence stays on
	 */
	public static @Nullable String idempotenceConflict(ClientSettings settings) {
		Conflict conflict = implicitConflict(settings);
		return (conflict != null) ? conflict.setting() : null;
	}

	/**
	 * Return why the Kafka client refuses these producer settings with a
	 * {@code ConfigException} when it creates a producer, as Kafka 4.2's
	 * {@code ProducerConfig} does: idempotence asked for explicitly with {@code acks}
	 * other than {@code all} or {@code retries=0}; idempotence (explicit or by default)
	 * with more than 5 requests in flight; a {@code transactional.id} without
	 * idempotence.
	 * @param settings the producer settings
	 * @return why the client refuses them, or {@code null} when it accepts them
	 */
	public static @Nullable String clientRefusal(ClientSettings settings) {
		String explicit = settings.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
		boolean idempotent = (explicit != null) ? Boolean.parseBoolean(explicit)
				: Boolean.parseBoolean(kafkaDefault(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
		String refusal = "Kafka's client throws a ConfigException when it creates the producer: ";
		String transactionalId = settings.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		if (idempotent) {
			Conflict conflict = implicitConflict(settings);
			if (conflict != null && explicit != null) {
				// spring-kafka sets enable.idempotence=true for a transaction id prefix
				return refusal + "enable.idempotence=true with " + conflict.setting()
						+ ((transactionalId != null) ? " (spring-kafka turns idempotence on for producers with a "
								+ "transactional.id; transactions need acks=all and retries > 0)." : ".");
			}
			String inFlight = settings.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
			if (inFlight != null && Integer.parseInt(inFlight) > MAX_IN_FLIGHT_FOR_IDEMPOTENCE) {
				return refusal + "max.in.flight.requests.per.connection=" + inFlight + " with idempotence "
						+ ((explicit != null) ? "(enable.idempotence=true)" : "(on by Kafka default)")
						+ "; set it to at most 5, or set enable.idempotence=false explicitly.";
			}
			idempotent = conflict == null;
		}
		if (!idempotent && transactionalId != null) {
			return refusal + "a transactional.id (" + transactionalId + ") without idempotence ("
					+ ((explicit != null) ? "enable.idempotence=" + explicit
							: "turned off by " + idempotenceConflict(settings))
					+ "); transactions need acks=all, retries > 0 and idempotence.";
		}
		return null;
	}

	private static @Nullable Conflict implicitConflict(ClientSettings settings) {
		String retries = settings.get(ProducerConfig.RETRIES_CONFIG);
		if (retries != null && Integer.parseInt(retries) == 0) {
			return new Conflict("producer.retries", "retries=0");
		}
		String acks = settings.get(ProducerConfig.ACKS_CONFIG);
		if (acks != null && !isAcksAll(acks)) {
			return new Conflict("producer.acks", "acks=" + acks);
		}
		return null;
	}

	private static String kafkaDefault(String key) {
		return String.valueOf(KAFKA_PRODUCER_DEFAULTS.get(key));
	}

	/**
	 * A setting that turns idempotence off implicitly, and the rule that judges it.
	 */
	private record Conflict(String ruleId, String setting) {

	}

}
