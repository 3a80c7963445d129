package dev.lossless.kafka.outbox;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import dev.lossless.kafka.producer.ApplicationSerializers;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;

import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

/**
 * {@link OutboxPublisher} that inserts into the outbox table with JDBC. A row's lane is
 * the hash of its serialized key (Kafka's murmur2) modulo the number of lanes, a random
 * lane without a key; after the transaction commits, the relay is woken up.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class JdbcOutboxPublisher implements OutboxPublisher {

	private final OutboxStore store;

	private final ApplicationSerializers serializers;

	private final int lanes;

	private final Runnable committed;

	/**
	 * Create an instance.
	 * @param store the outbox table
	 * @param serializers the application's serializers
	 * @param lanes the number of lanes
	 * @param committed called after a transaction that wrote to the outbox commits
	 */
	public JdbcOutboxPublisher(OutboxStore store, ApplicationSerializers serializers, int lanes, Runnable committed) {
		Assert.notNull(store, "'store' cannot be null");
		Assert.notNull(serializers, "'serializers' cannot be null");
		Assert.isTrue(lanes > 0, "'lanes' must be positive");
		Assert.notNull(committed, "'committed' cannot be null");
		this.store = store;
		this.serializers = serializers;
		this.lanes = lanes;
		this.committed = committed;
	}

	@Override
	public UUID publish(ProducerRecord<?, ?> record) {
		Assert.notNull(record, "'record' cannot be null");
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			throw new IllegalTransactionStateException("OutboxPublisher.publish must run in a Spring-managed "
					+ "transaction (for example a @Transactional method): outside one, the message for topic '"
					+ record.topic() + "' would be written whether the business change commits or not");
		}
		RecordHeaders headers = new RecordHeaders(record.headers().toArray());
		byte[] key = (record.key() != null) ? this.serializers.key().serialize(record.topic(), headers, record.key())
				: null;
		byte[] value = (record.value() != null)
				? this.serializers.value().serialize(record.topic(), headers, record.value()) : null;
		headers.remove(OutboxMessage.MESSAGE_ID_HEADER);
		UUID messageId = UUID.randomUUID();
		int lane = (key != null) ? Utils.toPositive(Utils.murmur2(key)) % this.lanes
				: ThreadLocalRandom.current().nextInt(this.lanes);
		this.store.insert(messageId.toString(), lane, record.topic(), record.partition(), record.timestamp(), key,
				value, OutboxHeaders.encode(headers));
		wakeRelayAfterCommit();
		return messageId;
	}

	private void wakeRelayAfterCommit() {
		if (!TransactionSynchronizationManager.isSynchronizationActive()
				|| TransactionSynchronizationManager.hasResource(this)) {
			return;
		}
		TransactionSynchronizationManager.bindResource(this, Boolean.TRUE);
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

			@Override
			public void afterCommit() {
				JdbcOutboxPublisher.this.committed.run();
			}

			@Override
			public void afterCompletion(int status) {
				TransactionSynchronizationManager.unbindResourceIfPossible(JdbcOutboxPublisher.this);
			}

		});
	}

}
