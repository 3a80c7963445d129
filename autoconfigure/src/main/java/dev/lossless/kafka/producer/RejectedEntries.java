package dev.lossless.kafka.producer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Moves the journal entries that Kafka will never accept, or that an operator gave up on,
 * to the rejected journal, where their bytes and the reason are kept for an operator, and
 * counts them.
 *
 * @author Lossless Kafka team
 */
final class RejectedEntries {

	// logged under the replayer's name, which operators already configure and watch
	private static final Log logger = LogFactory.getLog(SendJournalReplayer.class);

	private final SendJournal rejectedJournal;

	private final LongAdder rejected = new LongAdder();

	RejectedEntries(SendJournal rejectedJournal) {
		this.rejectedJournal = rejectedJournal;
	}

	Path directory() {
		return this.rejectedJournal.directory();
	}

	/**
	 * Return the entries rejected since this instance was created.
	 * @return the count
	 */
	long count() {
		return this.rejected.sum();
	}

	/**
	 * Append an entry to the rejected journal.
	 * @param stored the entry
	 * @param why why it is rejected
	 * @throws RuntimeException if the rejected journal cannot take it: it was not
	 * rejected
	 */
	void reject(JournalEntry.Stored stored, String why) {
		JournalEntry entry = stored.entry();
		String reason = why + " (journaled at " + entry.journaledAt() + ": " + entry.reason() + ")";
		this.rejectedJournal.append(new JournalEntry(entry.topic(), entry.partition(), entry.key(), entry.value(),
				entry.headers(), Instant.now(), reason));
		this.rejected.increment();
		logger.error("Journaled record for topic '" + entry.topic() + "' (partition "
				+ ((entry.partition() != null) ? entry.partition() : "any") + ", key " + describe(entry.key())
				+ ") moved to " + this.rejectedJournal.directory() + ": " + why);
	}

	private static String describe(byte @Nullable [] key) {
		if (key == null) {
			return "null";
		}
		byte[] shown = Arrays.copyOf(key, Math.min(key.length, 32));
		String more = (key.length > shown.length) ? "... (" + key.length + " bytes)" : "";
		String text = new String(shown, StandardCharsets.UTF_8);
		boolean printable = text.chars().allMatch((c) -> c != '\uFFFD' && !Character.isISOControl(c));
		return printable ? "'" + text + more + "'" : "0x" + HexFormat.of().formatHex(shown) + more;
	}

}
