package dev.lossless.kafka.idempotent;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A {@link ProcessedMessageStore} in memory, for tests and for applications whose
 * listeners have no database: it forgets everything when the application stops, so it
 * only guards against redeliveries within one run. A mark made while a Spring transaction
 * is active is forgotten again when that transaction rolls back.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class InMemoryProcessedMessageStore implements ProcessedMessageStore {

	private final Map<Key, Instant> processed = new ConcurrentHashMap<>();

	@Override
	public boolean markProcessed(String consumer, String messageId) {
		Key key = new Key(consumer, messageId);
		if (this.processed.putIfAbsent(key, Instant.now()) != null) {
			return false;
		}
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public void afterCompletion(int status) {
					if (status != STATUS_COMMITTED) {
						InMemoryProcessedMessageStore.this.processed.remove(key);
					}
				}

			});
		}
		return true;
	}

	@Override
	public int removeProcessedBefore(Instant processedBefore) {
		int before = this.processed.size();
		this.processed.values().removeIf((processedAt) -> processedAt.isBefore(processedBefore));
		return before - this.processed.size();
	}

	/**
	 * Return how many messages are recorded.
	 * @return the number of (consumer, message id) pairs
	 */
	public int size() {
		return this.processed.size();
	}

	private record Key(String consumer, String messageId) {
	}

}
