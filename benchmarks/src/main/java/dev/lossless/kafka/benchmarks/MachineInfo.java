package dev.lossless.kafka.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the benchmarks ran on, read from {@code /proc} and the JVM.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
final class MachineInfo {

	private MachineInfo() {
	}

	static int processors() {
		return Runtime.getRuntime().availableProcessors();
	}

	static String loadAverage() {
		String line = firstLine(Path.of("/proc/loadavg"));
		String[] parts = line.split("\\s+");
		return (parts.length >= 3) ? parts[0] + " " + parts[1] + " " + parts[2] : line;
	}

	static double loadAverage1m() {
		try {
			return Double.parseDouble(loadAverage().split(" ")[0]);
		}
		catch (NumberFormatException ex) {
			return Double.NaN;
		}
	}

	static String cpuModel() {
		for (String line : lines(Path.of("/proc/cpuinfo"))) {
			if (line.startsWith("model name")) {
				return line.substring(line.indexOf(':') + 1).trim();
			}
		}
		return System.getProperty("os.arch");
	}

	static String memory() {
		String total = "?";
		String available = "?";
		for (String line : lines(Path.of("/proc/meminfo"))) {
			if (line.startsWith("MemTotal:")) {
				total = gibibytes(line);
			}
			else if (line.startsWith("MemAvailable:")) {
				available = gibibytes(line);
			}
		}
		return total + " GiB total, " + available + " GiB available at start";
	}

	static String java() {
		return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
				+ System.getProperty("java.vendor") + ")";
	}

	static String os() {
		return System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
				+ System.getProperty("os.arch");
	}

	private static String gibibytes(String meminfoLine) {
		String[] parts = meminfoLine.trim().split("\\s+");
		return String.format("%.1f", Long.parseLong(parts[1]) / (1024.0 * 1024.0));
	}

	private static String firstLine(Path file) {
		List<String> lines = lines(file);
		return lines.isEmpty() ? "?" : lines.get(0);
	}

	private static List<String> lines(Path file) {
		try {
			return Files.readAllLines(file);
		}
		catch (IOException ex) {
			return List.of();
		}
	}

}
