package dev.lossless.kafka.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a Spring test against a real in-JVM KRaft Kafka cluster of three brokers (each
 * also a controller; controllers start before brokers, so that it comes up on a 2-core
 * machine), with replication factor 3 and {@code min.insync.replicas} 2 as broker
 * defaults and topic auto-creation off, and points {@code spring.kafka.bootstrap-servers}
 * at it. The starter's durability rules then pass with no accepted risk: a test runs what
 * production runs.
 * <p>
 * One cluster per broker count is started on first use and shared by every test class of
 * the JVM (Spring's context cache may then share application contexts too); it stops when
 * the JVM exits. Give each test class topics of its own.
 * <p>
 * Built on Kafka's test kit ({@code KafkaClusterTestKit}), which ties the test class path
 * to the Kafka version the starter is built with.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface LosslessEmbeddedKafka {

	/**
	 * Topics to create before the application context starts, with the replication factor
	 * of the cluster (3) and its {@code min.insync.replicas} (2). An existing topic is
	 * left as it is.
	 * @return the topic names
	 */
	String[] topics() default {};

	/**
	 * Number of partitions of each topic in {@link #topics()}.
	 * @return the number of partitions
	 */
	int partitions() default 1;

	/**
	 * Number of brokers. Fewer than three cannot satisfy the starter's topic rules.
	 * @return the number of brokers
	 */
	int brokers() default 3;

}
