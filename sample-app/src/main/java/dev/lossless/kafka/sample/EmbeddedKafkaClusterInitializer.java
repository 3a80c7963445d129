package dev.lossless.kafka.sample;

import java.util.Map;

import dev.lossless.kafka.testcluster.EmbeddedKafkaCluster;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts an in-JVM Kafka cluster of three brokers before the application context
 * refreshes, when {@code spring.kafka.bootstrap-servers} is not set, and points the
 * application at it. The cluster is registered as the {@code embeddedKafkaCluster} bean
 * and closed after every other bean when the context closes, so that consumers and
 * producers shut down against running brokers. When the property is set, the application
 * uses that cluster and nothing is started.
 * <p>
 * Registered in {@code META-INF/spring.factories}, so that it applies to
 * {@code SpringApplication.run} and to {@code @SpringBootTest} alike.
 *
 * @author Lossless Kafka team
 */
public final class EmbeddedKafkaClusterInitializer
		implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	/**
	 * The property that, when set, names the Kafka cluster to use instead of an embedded
	 * one.
	 */
	public static final String BOOTSTRAP_SERVERS_PROPERTY = "spring.kafka.bootstrap-servers";

	/**
	 * The name of the cluster's bean and of the property source that points the
	 * application at it.
	 */
	public static final String NAME = "embeddedKafkaCluster";

	private static final int BROKERS = 3;

	private static final Log logger = LogFactory.getLog(EmbeddedKafkaClusterInitializer.class);

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		ConfigurableEnvironment environment = context.getEnvironment();
		String bootstrapServers = environment.getProperty(BOOTSTRAP_SERVERS_PROPERTY);
		if (bootstrapServers != null) {
			logger.info("Using the Kafka cluster at " + bootstrapServers + " (" + BOOTSTRAP_SERVERS_PROPERTY + ")");
			return;
		}
		logger.info(BOOTSTRAP_SERVERS_PROPERTY + " is not set: starting an embedded Kafka cluster of " + BROKERS
				+ " brokers");
		EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.builder().brokers(BROKERS).start();
		registerForClose(context, cluster);
		environment.getPropertySources()
			.addFirst(new MapPropertySource(NAME, Map.of(BOOTSTRAP_SERVERS_PROPERTY, cluster.bootstrapServers())));
		logger.info("Embedded Kafka cluster of " + BROKERS + " brokers started at " + cluster.bootstrapServers());
	}

	private static void registerForClose(ConfigurableApplicationContext context, EmbeddedKafkaCluster cluster) {
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		beanFactory.registerSingleton(NAME, cluster);
		if (beanFactory instanceof DefaultSingletonBeanRegistry registry) {
			// Disposable beans are destroyed in reverse order of registration: this one
			// last
			registry.registerDisposableBean(NAME, () -> close(cluster));
		}
		else {
			context.addApplicationListener((event) -> {
				if (event instanceof ContextClosedEvent) {
					close(cluster);
				}
			});
		}
	}

	private static void close(EmbeddedKafkaCluster cluster) {
		logger.info("Stopping the embedded Kafka cluster at " + cluster.bootstrapServers());
		cluster.close();
	}

}
