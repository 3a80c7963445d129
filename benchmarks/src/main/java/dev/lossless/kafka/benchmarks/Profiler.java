package dev.lossless.kafka.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Profiles one run of a case with Java Flight Recorder (the {@code jdk.jfr} API, the
 * {@code profile} settings: a stack sample of every running Java thread every 10 ms) and
 * sums the samples up: which threads were busy, which methods were on top of the stack,
 * and how many samples had a frame of the starter, of Spring or of the Kafka client
 * anywhere in their stack (the benchmark's own code not counted as the starter's).
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
final class Profiler {

	static final List<String> PACKAGES = List.of("dev.lossless.", "org.springframework.", "org.apache.kafka.",
			"io.micrometer.");

	private static final String BENCHMARKS = "dev.lossless.kafka.benchmarks.";

	private Profiler() {
	}

	interface Work {

		void run() throws Exception;

	}

	/**
	 * Profile one run.
	 * @param name the name of the case
	 * @param file the recording file to write
	 * @param threads a regular expression the names of the threads to count must match
	 * (the threads doing the case's work, not the ones starting an application)
	 * @param work the run
	 * @return the summary of the samples
	 * @throws Exception if the run fails
	 */
	static Profile record(String name, Path file, String threads, Work work) throws Exception {
		Configuration configuration;
		try {
			configuration = Configuration.getConfiguration("profile");
		}
		catch (ParseException ex) {
			throw new IllegalStateException(ex);
		}
		try (Recording recording = new Recording(configuration)) {
			recording.setToDisk(true);
			recording.start();
			work.run();
			recording.stop();
			recording.dump(file);
		}
		return summarize(name, file, Pattern.compile(threads));
	}

	private static Profile summarize(String name, Path file, Pattern threadFilter) {
		Map<String, Integer> threads = new HashMap<>();
		Map<String, Integer> topMethods = new HashMap<>();
		Map<String, Integer> inclusive = new LinkedHashMap<>();
		Map<String, Integer> starterMethods = new HashMap<>();
		PACKAGES.forEach((prefix) -> inclusive.put(prefix, 0));
		int samples = 0;
		try (RecordingFile recordingFile = new RecordingFile(file)) {
			while (recordingFile.hasMoreEvents()) {
				RecordedEvent event = recordingFile.readEvent();
				if (!"jdk.ExecutionSample".equals(event.getEventType().getName())) {
					continue;
				}
				RecordedStackTrace stack = event.getStackTrace();
				if (stack == null || stack.getFrames().isEmpty()) {
					continue;
				}
				RecordedThread thread = event.getThread("sampledThread");
				String javaName = (thread != null && thread.getJavaName() != null) ? thread.getJavaName() : "?";
				if (!threadFilter.matcher(javaName).matches()) {
					continue;
				}
				samples++;
				String threadName = javaName.replaceAll("-\\d+$", "-N");
				threads.merge(threadName, 1, Integer::sum);
				List<RecordedFrame> frames = stack.getFrames();
				topMethods.merge(method(frames.get(0)), 1, Integer::sum);
				Set<String> seen = new HashSet<>();
				String firstStarterFrame = null;
				for (RecordedFrame frame : frames) {
					String method = method(frame);
					if (method.startsWith(BENCHMARKS)) {
						continue;
					}
					for (String prefix : PACKAGES) {
						if (method.startsWith(prefix) && seen.add(prefix)) {
							inclusive.merge(prefix, 1, Integer::sum);
						}
					}
					if (firstStarterFrame == null && method.startsWith("dev.lossless.")) {
						firstStarterFrame = method;
					}
				}
				if (firstStarterFrame != null) {
					starterMethods.merge(firstStarterFrame, 1, Integer::sum);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return new Profile(name, file, samples, top(threads, 6), top(topMethods, 12), inclusive,
				top(starterMethods, 8));
	}

	private static String method(RecordedFrame frame) {
		return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
	}

	private static List<Map.Entry<String, Integer>> top(Map<String, Integer> counts, int limit) {
		List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
		entries.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
		return entries.subList(0, Math.min(limit, entries.size()));
	}

	/**
	 * A summary of the stack samples of one profiled run.
	 *
	 * @param name the case profiled
	 * @param file the recording
	 * @param samples the number of stack samples
	 * @param threads the busiest threads (numbered threads folded into {@code -N})
	 * @param topMethods the methods most often on top of the stack (self time)
	 * @param inclusive per package prefix, the samples with a frame of it in their stack
	 * @param starterMethods the starter's innermost frames in the samples that have one
	 */
	record Profile(String name, Path file, int samples, List<Map.Entry<String, Integer>> threads,
			List<Map.Entry<String, Integer>> topMethods, Map<String, Integer> inclusive,
			List<Map.Entry<String, Integer>> starterMethods) {

		double share(int count) {
			return (this.samples == 0) ? 0 : (double) count / this.samples;
		}

	}

}
