package dev.lossless.kafka.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.lossless.kafka.chaos.ConsumerLogs.StarterVerdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConsumerLogs#starterVerdict}: a range the starter's sequence check of
 * one application misses is told apart from a range no application processed, so that the
 * nemesis catches a false alarm of the starter and a loss the starter reports.
 *
 * @author Lossless Kafka team
 */
class ConsumerLogsTests {

	@TempDir
	Path dir;

	@Test
	void rangeMissedByOneApplicationAndProcessedByAnotherIsNotALoss() throws IOException {
		Path first = log("c0", "P 1 0 10 aa 5", "P 2 0 13 aa 8", "SEQ 2 1 2 0 2", "OPEN 0:aa:6-7", "LOSS 0");
		Path second = log("c1", "P 3 0 11 aa 6", "P 4 0 12 aa 7", "SEQ 2 0 0 0 0", "OPEN", "LOSS 0");
		StarterVerdict verdict = logs(first, second).starterVerdict(List.of(first, second));
		assertThat(verdict.unresolved()).isEqualTo(2);
		assertThat(verdict.processedElsewhere()).isEqualTo(2);
		assertThat(verdict.missingEverywhere()).isEmpty();
		assertThat(verdict.reportsLoss()).isFalse();
	}

	@Test
	void rangeNoApplicationProcessedIsALoss() throws IOException {
		Path first = log("c0", "P 1 0 10 aa 5", "P 2 0 13 aa 8", "SEQ 2 1 2 0 2", "OPEN 0:aa:6-7", "LOSS 0");
		Path second = log("c1", "P 3 0 11 aa 6", "SEQ 1 0 0 0 0", "OPEN", "LOSS 0");
		StarterVerdict verdict = logs(first, second).starterVerdict(List.of(first, second));
		assertThat(verdict.processedElsewhere()).isEqualTo(1);
		assertThat(verdict.missingEverywhere()).containsExactly("0:aa:7");
		assertThat(verdict.reportsLoss()).isTrue();
	}

	@Test
	void lostOffsetsAndUnlistedRangesAreALoss() throws IOException {
		Path first = log("c0", "SEQ 0 0 0 0 3", "OPEN", "LOSS 4 1:10-14");
		StarterVerdict verdict = logs(first).starterVerdict(List.of(first));
		assertThat(verdict.unlisted()).isEqualTo(3);
		assertThat(verdict.lostOffsets()).isEqualTo(4);
		assertThat(verdict.lostRanges()).containsExactly("1:10-14");
		assertThat(verdict.reportsLoss()).isTrue();
	}

	@Test
	void applicationsNoLongerRunningAreNotAsked() throws IOException {
		Path killed = log("c0-0", "SEQ 2 1 2 0 2", "OPEN 0:aa:6-7", "LOSS 0");
		Path running = log("c0-1", "SEQ 0 0 0 0 0", "OPEN", "LOSS 0");
		StarterVerdict verdict = logs(killed, running).starterVerdict(List.of(running));
		assertThat(verdict.unresolved()).isZero();
		assertThat(verdict.reportsLoss()).isFalse();
	}

	private Path log(String name, String... lines) throws IOException {
		return Files.write(this.dir.resolve(name + ".log"), List.of(lines));
	}

	private static ConsumerLogs logs(Path... files) {
		ConsumerLogs logs = new ConsumerLogs("topic");
		for (Path file : files) {
			logs.add(file);
		}
		return logs;
	}

}
