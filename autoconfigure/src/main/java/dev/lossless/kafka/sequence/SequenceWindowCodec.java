package dev.lossless.kafka.sequence;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The text a sequence window is committed as, in the metadata of a partition's committed
 * offset: {@value #PREFIX}, then one entry per producer, separated by {@code ,}: the
 * producer id as 11 digits and the last sequence number in order as 1 to 11 digits, both
 * in base 64 ({@code A-Z a-z 0-9 - _}, most significant digit first). 14 characters for a
 * producer whose last number is below 4,096, 15 below 262,144. The gaps still open on the
 * partition follow after a {@code ;}, separated by {@code ,}: the producer id as 11
 * digits, the first missing number, {@code .}, the last missing number (17 characters for
 * numbers below 4,096), so that the next owner of the partition shows them until their
 * records arrive.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
public final class SequenceWindowCodec {

	/**
	 * What every committed window starts with; metadata without it is not a window.
	 */
	public static final String PREFIX = "lkw1:";

	private static final String DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

	private static final int ID_DIGITS = 11;

	private static final char GAPS = ';';

	private static final char RANGE = '.';

	private SequenceWindowCodec() {
	}

	/**
	 * Append one producer's entry to an encoded window.
	 * @param window the window so far, starting with {@link #PREFIX}
	 * @param producerId the producer id
	 * @param last the last sequence number in order, not negative
	 */
	static void append(StringBuilder window, long producerId, long last) {
		if (window.length() > PREFIX.length()) {
			window.append(',');
		}
		appendId(window, producerId);
		appendNumber(window, last);
	}

	/**
	 * Append a gap still open after the producers' entries.
	 * @param window the window so far, starting with {@link #PREFIX}
	 * @param firstGap whether it is the first gap appended
	 * @param producerId the producer id
	 * @param first the first missing number
	 * @param last the last missing number
	 * @since 0.2.0
	 */
	static void appendGap(StringBuilder window, boolean firstGap, long producerId, long first, long last) {
		window.append(firstGap ? GAPS : ',');
		appendId(window, producerId);
		appendNumber(window, first);
		window.append(RANGE);
		appendNumber(window, last);
	}

	/**
	 * Return how many characters a gap takes, its separator included.
	 * @param first the first missing number
	 * @param last the last missing number
	 * @return the length
	 */
	static int gapLength(long first, long last) {
		return length(first) + digits(last) + 1;
	}

	private static void appendId(StringBuilder window, long producerId) {
		for (int shift = 60; shift >= 0; shift -= 6) {
			window.append(DIGITS.charAt((int) ((producerId >>> shift) & 63)));
		}
	}

	private static void appendNumber(StringBuilder window, long number) {
		int shift = 60;
		while (shift > 0 && (number >>> shift) == 0) {
			shift -= 6;
		}
		for (; shift >= 0; shift -= 6) {
			window.append(DIGITS.charAt((int) ((number >>> shift) & 63)));
		}
	}

	/**
	 * Return how many characters a producer's entry takes, its separator included.
	 * @param last the last sequence number in order
	 * @return the length
	 */
	static int length(long last) {
		return 1 + ID_DIGITS + digits(last);
	}

	private static int digits(long number) {
		int digits = 1;
		while (digits < 11 && (number >>> (6 * digits)) != 0) {
			digits++;
		}
		return digits;
	}

	/**
	 * Read a committed window.
	 * @param metadata the committed offset's metadata, or {@code null}
	 * @return the last sequence number in order by producer id, in the order written
	 * (most recently used first); empty if the metadata is not a window or is damaged
	 */
	public static Map<Long, Long> decode(@Nullable String metadata) {
		Map<Long, Long> window = new LinkedHashMap<>();
		if (metadata == null || !metadata.startsWith(PREFIX) || metadata.length() == PREFIX.length()) {
			return window;
		}
		String entries = producerEntries(metadata);
		if (entries.isEmpty()) {
			return window;
		}
		try {
			for (String entry : entries.split(",", -1)) {
				long last = number(entry, ID_DIGITS, entry.length());
				if (last < 0) {
					return Map.of();
				}
				window.put(number(entry, 0, ID_DIGITS), last);
			}
		}
		catch (IllegalArgumentException ex) {
			return Map.of();
		}
		return window;
	}

	/**
	 * Read the gaps still open that a committed window carries.
	 * @param metadata the committed offset's metadata, or {@code null}
	 * @return the gaps, empty if there are none or the metadata is damaged
	 * @since 0.2.0
	 */
	static List<CommittedGap> decodeGaps(@Nullable String metadata) {
		int start = (metadata != null && metadata.startsWith(PREFIX)) ? metadata.indexOf(GAPS) : -1;
		if (metadata == null || start < 0 || start == metadata.length() - 1) {
			return List.of();
		}
		List<CommittedGap> gaps = new ArrayList<>();
		try {
			for (String entry : metadata.substring(start + 1).split(",", -1)) {
				int range = entry.indexOf(RANGE);
				long first = number(entry, ID_DIGITS, Math.max(ID_DIGITS, range));
				long last = number(entry, range + 1, entry.length());
				if (first < 0 || last < first) {
					return List.of();
				}
				gaps.add(new CommittedGap(number(entry, 0, ID_DIGITS), first, last));
			}
		}
		catch (IllegalArgumentException ex) {
			return List.of();
		}
		return gaps;
	}

	private static String producerEntries(String metadata) {
		int gaps = metadata.indexOf(GAPS);
		return metadata.substring(PREFIX.length(), (gaps >= 0) ? gaps : metadata.length());
	}

	/**
	 * Read 1 to 11 base-64 digits.
	 * @throws IllegalArgumentException if there are none, too many, or a character is not
	 * a digit
	 */
	private static long number(String text, int from, int to) {
		if (from < 0 || to <= from || to - from > 11 || to > text.length()) {
			throw new IllegalArgumentException("Not a number: " + text);
		}
		long number = 0;
		for (int i = from; i < to; i++) {
			int digit = DIGITS.indexOf(text.charAt(i));
			if (digit < 0) {
				throw new IllegalArgumentException("Not a number: " + text);
			}
			number = (number << 6) | digit;
		}
		return number;
	}

	/**
	 * A gap still open when a window was committed.
	 *
	 * @param producerId the producer id
	 * @param first the first missing number
	 * @param last the last missing number
	 */
	record CommittedGap(long producerId, long first, long last) {

	}

}
