package dev.lossless.kafka.producer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.lossless.kafka.KafkaTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The journal's file logic: order, durability across reopening, segments, the size limit,
 * concurrent appends, recovery from torn and corrupt entries, and the directory lock.
 */
class SendJournalTests {

	private static final long MAX_BYTES = 1024 * 1024;

	private static final long SEGMENT_BYTES = 64 * 1024;

	@TempDir
	Path directory;

	@Test
	void peekReturnsTheOldestEntriesInOrderAndRemoveDropsThemUpToASequence() {
		try (SendJournal journal = open()) {
			for (int i = 0; i < 10; i++) {
				assertThat(journal.append(entry(i))).isEqualTo(i);
			}
			assertThat(journal.peek(4)).extracting(JournalEntry.Stored::sequence).containsExactly(0L, 1L, 2L, 3L);
			assertThat(journal.peek(4)).extracting(JournalEntry.Stored::entry)
				.containsExactly(entry(0), entry(1), entry(2), entry(3));
			journal.remove(3);
			assertThat(journal.peek(100)).extracting(JournalEntry.Stored::sequence)
				.containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
			journal.remove(2);
			assertThat(journal.peek(1)).extracting(JournalEntry.Stored::sequence).containsExactly(4L);
			SendJournal.Statistics statistics = journal.statistics();
			assertThat(statistics.backlogEntries()).isEqualTo(6);
			assertThat(statistics.appended()).isEqualTo(10);
			assertThat(statistics.removed()).isEqualTo(4);
			assertThat(statistics.oldestJournaledAt()).isEqualTo(entry(4).journaledAt());
			assertThat(statistics.backlogBytes()).isPositive().isLessThan(statistics.sizeBytes());
			assertThat(statistics.corruptions()).isEmpty();
			journal.remove(9);
			assertThat(journal.peek(10)).isEmpty();
			assertThat(journal.statistics().backlogEntries()).isZero();
			assertThat(journal.statistics().backlogBytes()).isZero();
			assertThat(journal.statistics().oldestJournaledAt()).isNull();
			assertThat(journal.append(entry(10))).isEqualTo(10);
			assertThat(journal.peek(10)).extracting(JournalEntry.Stored::sequence).containsExactly(10L);
		}
	}

	@Test
	void entriesKeepEveryFieldIncludingNullsAndEmptyBytes() {
		JournalEntry sparse = new JournalEntry("commandes-\u00e9t\u00e9", null, null, new byte[0],
				List.of(new RecordHeader("no-value", null), new RecordHeader("empty", new byte[0])),
				Instant.ofEpochSecond(1_700_000_000L, 999_999_999), "r\u00e9seau \u2192 timeout");
		try (SendJournal journal = open()) {
			journal.append(sparse);
		}
		try (SendJournal journal = open()) {
			JournalEntry read = journal.peek(1).get(0).entry();
			assertThat(read).isEqualTo(sparse);
			assertThat(read.partition()).isNull();
			assertThat(read.key()).isNull();
			assertThat(read.value()).isEmpty();
			assertThat(read.headers().get(0).value()).isNull();
		}
	}

	@Test
	void entryMadeFromARecordSendsTheSameRecordAgain() {
		ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("orders", 2, 42L, bytes("k"), bytes("v"),
				List.of(new RecordHeader("h", bytes("x"))));
		JournalEntry entry = JournalEntry.of(record, "delivery timeout");
		ProducerRecord<byte[], byte[]> again = entry.toProducerRecord();
		assertThat(again.topic()).isEqualTo("orders");
		assertThat(again.partition()).isEqualTo(2);
		assertThat(again.key()).isEqualTo(bytes("k"));
		assertThat(again.value()).isEqualTo(bytes("v"));
		assertThat(again.headers().toArray()).containsExactly(new RecordHeader("h", bytes("x")));
		assertThat(again.timestamp()).isNull();
	}

	@Test
	void reopenedJournalGivesBackEveryEntryNotRemovedInOrderWithItsSequence() {
		try (SendJournal journal = open(MAX_BYTES, 1024)) {
			for (int i = 0; i < 40; i++) {
				journal.append(entry(i));
			}
			journal.remove(12);
		}
		try (SendJournal journal = open(MAX_BYTES, 1024)) {
			List<JournalEntry.Stored> entries = journal.peek(100);
			assertThat(entries).extracting(JournalEntry.Stored::sequence).containsExactlyElementsOf(sequences(13, 40));
			for (JournalEntry.Stored stored : entries) {
				assertThat(stored.entry()).isEqualTo(entry((int) stored.sequence()));
			}
			assertThat(journal.statistics().backlogEntries()).isEqualTo(27);
			assertThat(journal.statistics().oldestJournaledAt()).isEqualTo(entry(13).journaledAt());
			assertThat(journal.append(entry(40))).isEqualTo(40);
		}
	}

	@Test
	void checkpointSurvivesReopen() {
		try (SendJournal journal = open()) {
			for (int i = 0; i < 10; i++) {
				journal.append(entry(i));
			}
			journal.remove(4);
		}
		try (SendJournal journal = open()) {
			assertThat(journal.peek(1)).extracting(JournalEntry.Stored::sequence).containsExactly(5L);
			journal.remove(7);
		}
		try (SendJournal journal = open()) {
			assertThat(journal.peek(10)).extracting(JournalEntry.Stored::sequence).containsExactly(8L, 9L);
			journal.remove(9);
		}
		try (SendJournal journal = open()) {
			assertThat(journal.peek(10)).isEmpty();
			assertThat(journal.append(entry(10))).isEqualTo(10);
		}
	}

	@Test
	void removeDeletesTheSegmentsThatHoldOnlyRemovedEntries() throws IOException {
		try (SendJournal journal = open(MAX_BYTES, 1024)) {
			for (int i = 0; i < 60; i++) {
				journal.append(entry(i));
			}
			List<Long> before = segmentBases();
			assertThat(before).hasSizeGreaterThan(3).startsWith(0L);
			journal.remove(29);
			List<Long> expected = new ArrayList<>();
			for (int i = 0; i < before.size(); i++) {
				if (i == before.size() - 1 || before.get(i + 1) > 30) {
					expected.add(before.get(i));
				}
			}
			assertThat(segmentBases()).containsExactlyElementsOf(expected).hasSizeLessThan(before.size());
			assertThat(journal.peek(1)).extracting(JournalEntry.Stored::sequence).containsExactly(30L);
			long removedBytes = journal.statistics().sizeBytes();
			assertThat(removedBytes).isEqualTo(segmentFiles().stream().mapToLong(this::size).sum());
			journal.remove(59);
			assertThat(segmentBases()).isEmpty();
			assertThat(journal.statistics().sizeBytes()).isZero();
			assertThat(journal.append(entry(60))).isEqualTo(60);
			assertThat(segmentBases()).containsExactly(60L);
		}
		try (SendJournal journal = open(MAX_BYTES, 1024)) {
			assertThat(journal.peek(10)).extracting(JournalEntry.Stored::sequence).containsExactly(60L);
		}
	}

	@Test
	void appendBeyondTheSizeLimitThrowsAndDoesNotStoreTheEntry() {
		List<Long> stored = new ArrayList<>();
		try (SendJournal journal = open(2048, 1024)) {
			SendJournalFullException full = null;
			for (int i = 0; i < 100 && full == null; i++) {
				try {
					stored.add(journal.append(entry(i)));
				}
				catch (SendJournalFullException ex) {
					full = ex;
				}
			}
			assertThat(full).isNotNull();
			assertThat(full.getMessage()).contains(this.directory.toAbsolutePath().toString())
				.contains(full.getSizeBytes() + " of 2048 bytes used")
				.contains("topic 'orders'")
				.contains("was not journaled");
			assertThat(full.getTopic()).isEqualTo("orders");
			assertThat(stored).hasSizeGreaterThan(5);
			assertThat(journal.statistics().backlogEntries()).isEqualTo(stored.size());
			assertThat(journal.statistics().sizeBytes()).isLessThanOrEqualTo(2048);
			assertThat(journal.peek(1000)).hasSize(stored.size());
			journal.remove(stored.get(stored.size() - 1));
			assertThat(journal.append(entry(1000))).isEqualTo(stored.size());
		}
		try (SendJournal journal = open(2048, 1024)) {
			assertThat(journal.peek(1000)).extracting(JournalEntry.Stored::entry).containsExactly(entry(1000));
		}
	}

	@Test
	void concurrentAppendsFromSeveralThreadsLoseNothing() throws Exception {
		int threads = 8;
		int perThread = 250;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try (SendJournal journal = open(16 * MAX_BYTES, SEGMENT_BYTES)) {
			List<Future<List<Long>>> results = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				results.add(executor.submit(() -> {
					List<Long> sequences = new ArrayList<>();
					for (int i = 0; i < perThread; i++) {
						sequences.add(journal.append(entry("thread-" + thread, i)));
					}
					return sequences;
				}));
			}
			Set<Long> sequences = new HashSet<>();
			for (Future<List<Long>> result : results) {
				List<Long> ofThread = result.get(WAIT.toSeconds(), TimeUnit.SECONDS);
				assertThat(ofThread).isSorted();
				sequences.addAll(ofThread);
			}
			assertThat(sequences).containsExactlyInAnyOrderElementsOf(sequences(0, threads * perThread));
			assertThat(journal.statistics().backlogEntries()).isEqualTo(threads * perThread);
		}
		finally {
			executor.shutdownNow();
		}
		try (SendJournal journal = open(16 * MAX_BYTES, SEGMENT_BYTES)) {
			List<JournalEntry.Stored> entries = journal.peek(threads * perThread + 1);
			assertThat(entries).hasSize(threads * perThread);
			Map<String, List<Integer>> byThread = new HashMap<>();
			for (JournalEntry.Stored stored : entries) {
				byThread.computeIfAbsent(stored.entry().topic(), (key) -> new ArrayList<>())
					.add(Integer.parseInt(new String(stored.entry().value(), StandardCharsets.UTF_8)));
			}
			assertThat(byThread).hasSize(threads)
				.allSatisfy((thread, indexes) -> assertThat(indexes).containsExactlyElementsOf(ints(perThread)));
		}
	}

	@Test
	void tornLastEntryIsQuarantinedOnReopenAndTheIntactEntriesAreKept() throws IOException {
		long lastEntryPosition = appendFiveEntries();
		Path segment = segmentFiles().get(0);
		long torn = size(segment) - 10;
		truncate(segment, torn);
		try (SendJournal journal = open()) {
			assertThat(journal.peek(10)).extracting(JournalEntry.Stored::entry)
				.containsExactly(entry(0), entry(1), entry(2), entry(3));
			assertThat(journal.statistics().corruptions()).singleElement().satisfies((corruption) -> {
				assertThat(corruption.file()).isEqualTo(segment);
				assertThat(corruption.position()).isEqualTo(lastEntryPosition);
				assertThat(corruption.bytesQuarantined()).isEqualTo(torn - lastEntryPosition);
				assertThat(corruption.problem()).contains("runs past the end of the file");
				assertThat(corruption.quarantineFile().getFileName().toString())
					.startsWith(segment.getFileName() + ".corrupt-");
				assertThat(size(corruption.quarantineFile())).isEqualTo(torn - lastEntryPosition);
			});
			assertThat(size(segment)).isEqualTo(lastEntryPosition);
			assertThat(journal.append(entry(4))).isEqualTo(4);
		}
		try (SendJournal journal = open()) {
			assertThat(journal.peek(10)).extracting(JournalEntry.Stored::entry)
				.containsExactly(entry(0), entry(1), entry(2), entry(3), entry(4));
			assertThat(journal.statistics().corruptions()).isEmpty();
		}
	}

	@Test
	void flippedByteInTheLastEntryIsQuarantinedOnReopenAndTheIntactEntriesAreKept() throws IOException {
		long lastEntryPosition = appendFiveEntries();
		Path segment = segmentFiles().get(0);
		long size = size(segment);
		byte[] original = Files.readAllBytes(segment);
		flipByte(segment, size - 5);
		try (SendJournal journal = open()) {
			assertThat(journal.peek(10)).extracting(JournalEntry.Stored::entry)
				.containsExactly(entry(0), entry(1), entry(2), entry(3));
			assertThat(journal.statistics().corruptions()).singleElement().satisfies((corruption) -> {
				assertThat(corruption.position()).isEqualTo(lastEntryPosition);
				assertThat(corruption.bytesQuarantined()).isEqualTo(size - lastEntryPosition);
				assertThat(corruption.problem()).contains("checksum mismatch");
				byte[] quarantined = Files.readAllBytes(corruption.quarantineFile());
				byte[] expected = Arrays.copyOfRange(original, (int) lastEntryPosition, (int) size);
				expected[expected.length - 5] ^= 0x01;
				assertThat(quarantined).isEqualTo(expected);
			});
		}
	}

	@Test
	void corruptEntryInAnOlderSegmentKeepsTheEntriesBeforeItAndEveryLaterSegment() throws IOException {
		try (SendJournal journal = open(MAX_BYTES, 1024)) {
			for (int i = 0; i < 40; i++) {
				journal.append(entry(i));
			}
		}
		List<Long> bases = segmentBases();
		assertThat(bases).hasSizeGreaterThan(2);
		long secondSegment = bases.get(1);
		assertThat(secondSegment).isGreaterThan(2);
		int frame = JournalEntryCodec.encode(0, entry(0)).remaining();
		flipByte(segmentFiles().get(0), frame + 20);
		try (SendJournal journal = open(MAX_BYTES, 1024)) {
			List<Long> expected = new ArrayList<>(List.of(0L));
			expected.addAll(sequences(secondSegment, 40));
			assertThat(journal.peek(100)).extracting(JournalEntry.Stored::sequence).containsExactlyElementsOf(expected);
			assertThat(journal.statistics().corruptions()).singleElement().satisfies((corruption) -> {
				assertThat(corruption.file()).isEqualTo(segmentFiles().get(0));
				assertThat(corruption.position()).isEqualTo(frame);
			});
			assertThat(journal.append(entry(40))).isEqualTo(40);
		}
	}

	@Test
	void corruptCheckpointIsQuarantinedAndEveryEntryOnDiskIsKept() throws IOException {
		try (SendJournal journal = open()) {
			for (int i = 0; i < 5; i++) {
				journal.append(entry(i));
			}
			journal.remove(1);
		}
		Path checkpoint = this.directory.resolve(JournalCheckpoint.FILE_NAME);
		flipByte(checkpoint, 3);
		try (SendJournal journal = open()) {
			assertThat(journal.peek(10)).extracting(JournalEntry.Stored::sequence).containsExactly(0L, 1L, 2L, 3L, 4L);
			assertThat(journal.statistics().corruptions()).singleElement()
				.satisfies((corruption) -> assertThat(corruption.file()).isEqualTo(checkpoint));
		}
	}

	@Test
	void secondOpenOfADirectoryInUseFailsWithAClearMessage() {
		try (SendJournal journal = open()) {
			journal.append(entry(0));
			assertThatIllegalStateException().isThrownBy(this::open)
				.withMessageContaining(this.directory.toAbsolutePath().toString())
				.withMessageContaining("another application");
			assertThat(journal.peek(10)).hasSize(1);
		}
		try (SendJournal journal = open()) {
			assertThat(journal.peek(10)).hasSize(1);
		}
	}

	@Test
	void openOfADirectoryThatAnotherProcessUsesFails() throws Exception {
		Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
		Process holder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
				LockHolder.class.getName(), this.directory.toString())
			.redirectErrorStream(true)
			.start();
		try {
			String signal = CompletableFuture.supplyAsync(() -> awaitLine(holder, "locked"))
				.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(signal).isEqualTo("locked");
			assertThatIllegalStateException().isThrownBy(this::open)
				.withMessageContaining(this.directory.toAbsolutePath().toString())
				.withMessageContaining("another application");
		}
		finally {
			holder.getOutputStream().close();
			if (!holder.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
				holder.destroyForcibly();
			}
		}
		try (SendJournal journal = open()) {
			assertThat(journal.peek(10)).isEmpty();
		}
	}

	@Test
	void closedJournalRefusesAppends() {
		SendJournal journal = open();
		journal.close();
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> journal.append(entry(0)))
			.withMessageContaining("is closed");
	}

	private long appendFiveEntries() {
		try (SendJournal journal = open()) {
			for (int i = 0; i < 4; i++) {
				journal.append(entry(i));
			}
			long lastEntryPosition = journal.statistics().sizeBytes();
			journal.append(entry(4));
			return lastEntryPosition;
		}
	}

	private SendJournal open() {
		return open(MAX_BYTES, SEGMENT_BYTES);
	}

	private SendJournal open(long maxBytes, long segmentBytes) {
		return SendJournal.open(this.directory, maxBytes, segmentBytes);
	}

	static JournalEntry entry(int i) {
		return new JournalEntry("orders", i % 3, new byte[] { (byte) 0xff, (byte) i }, bytes("order-" + i),
				List.<Header>of(new RecordHeader("trace", bytes("t-" + i)), new RecordHeader("empty", null)),
				Instant.ofEpochSecond(1_700_000_000L + i, 123_456_789), "delivery timeout " + i);
	}

	private static JournalEntry entry(String topic, int i) {
		return new JournalEntry(topic, null, null, bytes(Integer.toString(i)), List.of(), Instant.now(), "test");
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static List<Long> sequences(long from, long to) {
		List<Long> sequences = new ArrayList<>();
		for (long i = from; i < to; i++) {
			sequences.add(i);
		}
		return sequences;
	}

	private static List<Integer> ints(int count) {
		List<Integer> ints = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			ints.add(i);
		}
		return ints;
	}

	private List<Path> segmentFiles() {
		try (Stream<Path> files = Files.list(this.directory)) {
			return files.filter((file) -> file.getFileName().toString().endsWith(SendJournal.SEGMENT_SUFFIX))
				.sorted()
				.toList();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private List<Long> segmentBases() {
		return segmentFiles().stream().map((file) -> {
			String name = file.getFileName().toString();
			return Long.parseLong(name.substring(0, name.indexOf('.')));
		}).toList();
	}

	private long size(Path file) {
		try {
			return Files.size(file);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void truncate(Path file, long size) throws IOException {
		try (RandomAccessFile access = new RandomAccessFile(file.toFile(), "rw")) {
			access.setLength(size);
		}
	}

	private static void flipByte(Path file, long position) throws IOException {
		try (RandomAccessFile access = new RandomAccessFile(file.toFile(), "rw")) {
			access.seek(position);
			int value = access.read();
			access.seek(position);
			access.write(value ^ 0x01);
		}
	}

	private static String awaitLine(Process process, String expected) {
		try {
			BufferedReader reader = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
			for (String line = reader.readLine(); line != null; line = reader.readLine()) {
				if (line.equals(expected)) {
					return line;
				}
			}
			return "exited with " + process.waitFor();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Holds a journal open in another process until its standard input closes.
	 */
	public static final class LockHolder {

		private LockHolder() {
		}

		public static void main(String[] args) throws IOException {
			try (SendJournal journal = SendJournal.open(Paths.get(args[0]), MAX_BYTES, SEGMENT_BYTES)) {
				System.out.println("locked");
				System.out.flush();
				while (System.in.read() != -1) {
					// wait for the test to close our input
				}
			}
		}

	}

}
