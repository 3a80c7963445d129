package dev.lossless.kafka.producer;

/**
 * Reported instead of the failure of a send whose record was saved in the send journal:
 * the record did not reach the brokers, but it is on local disk and will be sent again
 * once the cluster answers. The application must not send it again itself. The original
 * failure is the cause, and the first Kafka exception of the cause chain: since 0.2.0
 * this class is no Kafka exception itself.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public class SendJournaledException extends RuntimeException {

	private final long journalSequence;

	/**
	 * Create an instance.
	 * @param message the message
	 * @param journalSequence the record's sequence in the journal
	 * @param cause the failure of the send
	 */
	public SendJournaledException(String message, long journalSequence, Throwable cause) {
		super(message, cause);
		this.journalSequence = journalSequence;
	}

	/**
	 * Return the record's sequence in the journal.
	 * @return the sequence
	 */
	public long getJournalSequence() {
		return this.journalSequence;
	}

}
