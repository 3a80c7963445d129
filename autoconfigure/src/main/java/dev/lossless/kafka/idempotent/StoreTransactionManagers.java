package dev.lossless.kafka.idempotent;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.kafka.transaction.KafkaAwareTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.ResourceTransactionManager;

/**
 * Chooses the transaction manager an {@link IdempotentProcessor} starts its transactions
 * with, among the application's: never a Kafka one (its transaction does not cover the
 * database).
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class StoreTransactionManagers {

	private StoreTransactionManagers() {
	}

	/**
	 * Choose the transaction manager for a store: for a store with a
	 * {@link ProcessedMessageStore#getTransactionResource() resource} (a database), the
	 * one that manages that resource, or the application's only non-Kafka one; for
	 * another store, the application's only non-Kafka one, else one that only runs the
	 * transaction synchronizations.
	 * @param store the store
	 * @param transactionManagers the application's transaction managers
	 * @return the transaction manager, or {@code null} when the store has a resource and
	 * the application no transaction manager but Kafka's (Spring Boot does not create its
	 * JDBC one when a Kafka transaction manager exists)
	 * @throws IllegalStateException when several transaction managers could be meant
	 */
	public static @Nullable PlatformTransactionManager choose(ProcessedMessageStore store,
			List<PlatformTransactionManager> transactionManagers) {
		List<PlatformTransactionManager> candidates = transactionManagers.stream()
			.filter((manager) -> !(manager instanceof KafkaAwareTransactionManager))
			.toList();
		Object resource = store.getTransactionResource();
		if (resource != null) {
			for (PlatformTransactionManager candidate : candidates) {
				if (candidate instanceof ResourceTransactionManager manager
						&& manager.getResourceFactory() == resource) {
					return candidate;
				}
			}
			if (candidates.size() == 1) {
				return candidates.get(0);
			}
			if (candidates.isEmpty()) {
				return null;
			}
			throw new IllegalStateException("No single transaction manager for " + resource
					+ ", the resource of the processed message ids (found " + candidates.size()
					+ " besides Kafka's): define an IdempotentProcessor "
					+ "bean with the transaction manager that covers both the ids and the listeners' writes");
		}
		return (candidates.size() == 1) ? candidates.get(0) : new ResourcelessTransactionManager();
	}

}
