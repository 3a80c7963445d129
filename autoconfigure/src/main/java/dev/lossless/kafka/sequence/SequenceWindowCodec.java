package dev.lossless.kafka.sequence;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The text a sequence window is committed as, in the metadata of a partition's committed
 * offset: {@value #PREFIX}, then one entry per producer, separated by {@code ,}: the
 * producer id as 11 digits and the last sequence number in order as 1 to 11 digits, both
 * in base 64 ({@code A-Z a-z 0-9 - _}, most significant digit first). 14 characters for a
 * producer whose last number is below 4,096, 15 below 262,144.
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
		for (int shift = 60; shift >= 0; shift -= 6) {
			window.append(DIGITS.charAt((int) ((producerId >>> shift) & 63)));
		}
		int shift = 60;
		while (shift > 0 && (last >>> shift) == 0) {
			shift -= 6;
		}
		for (; shift >= 0; shift -= 6) {
			window.append(DIGITS.charAt((int) ((last >>> shift) & 63)));
		}
	}

	/**
	 * Return how many characters a producer's entry takes, its separator included.
	 * @param last the last sequence number in order
	 * @return the length
	 */
	static int length(long last) {
		int digits = 1;
		while (digits < 11 && (last >>> (6 * digits)) != 0) {
			digits++;
		}
		return 1 + ID_DIGITS + digits;
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
		for (String entry : metadata.substring(PREFIX.length()).split(",", -1)) {
			if (entry.length() <= ID_DIGITS || entry.length() > ID_DIGITS + 11) {
				return Map.of();
			}
			long id = 0;
			long last = 0;
			for (int i = 0; i < entry.length(); i++) {
				int digit = DIGITS.indexOf(entry.charAt(i));
				if (digit < 0) {
					return Map.of();
				}
				if (i < ID_DIGITS) {
					id = (id << 6) | digit;
				}
				else {
					last = (last << 6) | digit;
				}
			}
			if (last < 0) {
				return Map.of();
			}
			window.put(id, last);
		}
		return window;
	}

}
