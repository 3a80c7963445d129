package dev.lossless.kafka.consumer;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.AcknowledgementCommitCallback;
import org.apache.kafka.common.TopicIdPartition;
import org.jspecify.annotations.Nullable;

/**
 * Counts the acknowledgements share consumers committed to the brokers and those whose
 * commit failed (the broker then redelivers those records once their lock expires).
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class ShareAcknowledgements implements AcknowledgementCommitCallback {

	private static final Log logger = LogFactory.getLog(ShareAcknowledgements.class);

	private final AtomicLong committed = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	@Override
	public void onComplete(Map<TopicIdPartition, Set<Long>> offsets, @Nullable Exception exception) {
		long count = offsets.values().stream().mapToLong(Set::size).sum();
		if (exception == null) {
			this.committed.addAndGet(count);
		}
		else {
			this.failed.addAndGet(count);
			logger.warn("Share acknowledgement commit failed for " + offsets
					+ "; the records are redelivered when their locks expire", exception);
		}
	}

	/**
	 * Return the number of record acknowledgements the brokers accepted.
	 * @return the number of committed acknowledgements
	 */
	public long committed() {
		return this.committed.get();
	}

	/**
	 * Return the number of record acknowledgements whose commit failed.
	 * @return the number of failed acknowledgements
	 */
	public long failed() {
		return this.failed.get();
	}

}
