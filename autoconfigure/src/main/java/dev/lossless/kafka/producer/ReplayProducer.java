package dev.lossless.kafka.producer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.producer.Producer;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The producer of a {@link SendJournalReplayer}: created when a round first needs it,
 * closed after a fatal error or when the replayer stops, and created again by the next
 * round.
 *
 * @author Lossless Kafka team
 */
final class ReplayProducer {

	private static final Log logger = LogFactory.getLog(ReplayProducer.class);

	private final Supplier<Producer<byte[], byte[]>> factory;

	private final AtomicReference<@Nullable Producer<byte[], byte[]>> producer = new AtomicReference<>();

	ReplayProducer(Supplier<Producer<byte[], byte[]>> factory) {
		this.factory = factory;
	}

	Producer<byte[], byte[]> get() {
		Producer<byte[], byte[]> producer = this.producer.get();
		if (producer == null) {
			producer = this.factory.get();
			Assert.state(producer != null, "The producer factory returned null");
			this.producer.set(producer);
		}
		return producer;
	}

	void close() {
		Producer<byte[], byte[]> producer = this.producer.getAndSet(null);
		if (producer != null) {
			try {
				producer.close(Duration.ZERO);
			}
			catch (RuntimeException ex) {
				logger.debug("Failure while closing the replay producer", ex);
			}
		}
	}

}
