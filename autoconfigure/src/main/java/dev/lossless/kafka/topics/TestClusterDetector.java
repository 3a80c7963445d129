package dev.lossless.kafka.topics;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.kafka.clients.CommonClientConfigs;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Tells whether the application's brokers are test brokers, from the signals test
 * infrastructure gives: spring-kafka-test's broker (its
 * {@value #EMBEDDED_BROKERS_PROPERTY} system property naming the bootstrap servers, or
 * the {@code embeddedKafka} bean of {@code @EmbeddedKafka} in a Spring test context),
 * Spring Boot's Testcontainers service connection, or {@value #PROPERTY}. Never the
 * cluster's size: a production cluster is never taken for a test one.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class TestClusterDetector {

	/**
	 * The property that names the brokers a test cluster, for test infrastructure the
	 * starter does not recognize (for example {@code @DynamicPropertySource}).
	 */
	public static final String PROPERTY = "lossless.kafka.test-cluster";

	/**
	 * The system property spring-kafka-test's embedded broker sets to its addresses.
	 */
	public static final String EMBEDDED_BROKERS_PROPERTY = "spring.embedded.kafka.brokers";

	private static final String EMBEDDED_BROKER_CLASS = "org.springframework.kafka.test.EmbeddedKafkaBroker";

	private static final String KAFKA_CONNECTION_DETAILS_CLASS = "org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails";

	/**
	 * The package of Spring Boot's Testcontainers connection details for Kafka
	 * ({@code @ServiceConnection}); an application's own {@code KafkaConnectionDetails}
	 * is no signal.
	 */
	private static final String TESTCONTAINERS_PACKAGE = "org.springframework.boot.kafka.testcontainers.";

	private final Environment environment;

	private final ListableBeanFactory beanFactory;

	private final Supplier<Collection<String>> bootstrapServers;

	private volatile @Nullable Detection detection;

	/**
	 * Create an instance.
	 * @param environment the application's environment
	 * @param beanFactory the application's beans
	 * @param bootstrapServers the addresses the application's clients connect to
	 */
	public TestClusterDetector(Environment environment, ListableBeanFactory beanFactory,
			Supplier<Collection<String>> bootstrapServers) {
		this.environment = environment;
		this.beanFactory = beanFactory;
		this.bootstrapServers = bootstrapServers;
	}

	/**
	 * Return what shows the brokers to be a test cluster, detected once.
	 * @return the signal, or {@code null} when nothing does
	 */
	public @Nullable String signal() {
		Detection detection = this.detection;
		if (detection == null) {
			detection = new Detection(detect());
			this.detection = detection;
		}
		return detection.signal();
	}

	private @Nullable String detect() {
		if (this.environment.getProperty(PROPERTY, Boolean.class, false)) {
			return PROPERTY + "=true";
		}
		String embedded = this.environment.getProperty(EMBEDDED_BROKERS_PROPERTY);
		if (StringUtils.hasText(embedded)
				&& overlaps(addresses(Arrays.asList(embedded.split(","))), addresses(this.bootstrapServers.get()))) {
			return "spring-kafka-test's embedded broker (" + EMBEDDED_BROKERS_PROPERTY + "=" + embedded + ")";
		}
		ClassLoader classLoader = getClass().getClassLoader();
		if (ClassUtils.isPresent(EMBEDDED_BROKER_CLASS, classLoader)
				&& this.beanFactory.getBeanNamesForType(ClassUtils.resolveClassName(EMBEDDED_BROKER_CLASS, classLoader),
						false, false).length > 0) {
			return "spring-kafka-test's embedded broker (@EmbeddedKafka)";
		}
		if (ClassUtils.isPresent(KAFKA_CONNECTION_DETAILS_CLASS, classLoader)) {
			for (String name : this.beanFactory.getBeanNamesForType(
					ClassUtils.resolveClassName(KAFKA_CONNECTION_DETAILS_CLASS, classLoader), false, false)) {
				Class<?> type = this.beanFactory.getType(name, false);
				if (type != null && type.getName().startsWith(TESTCONTAINERS_PACKAGE)) {
					return "a Testcontainers service connection (@ServiceConnection)";
				}
			}
		}
		return null;
	}

	/**
	 * Return the bootstrap servers of a Kafka client configuration.
	 * @param config the configuration, for example {@code KafkaAdmin}'s
	 * @return the addresses
	 */
	public static Collection<String> bootstrapServers(Map<String, Object> config) {
		Object servers = config.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
		if (servers instanceof Collection<?> collection) {
			return collection.stream().map(String::valueOf).toList();
		}
		return (servers != null) ? Arrays.asList(String.valueOf(servers).split(",")) : List.of();
	}

	private static boolean overlaps(Set<String> embedded, Set<String> bootstrap) {
		return embedded.stream().anyMatch(bootstrap::contains);
	}

	private static Set<String> addresses(Collection<String> servers) {
		Set<String> addresses = new LinkedHashSet<>();
		for (String server : servers) {
			String address = server.trim().toLowerCase(Locale.ROOT);
			int scheme = address.indexOf("://");
			address = (scheme >= 0) ? address.substring(scheme + 3) : address;
			if (address.startsWith("localhost:")) {
				address = "127.0.0.1" + address.substring("localhost".length());
			}
			if (!address.isEmpty()) {
				addresses.add(address);
			}
		}
		return addresses;
	}

	private record Detection(@Nullable String signal) {

	}

}
