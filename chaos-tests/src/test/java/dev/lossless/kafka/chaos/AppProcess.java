package dev.lossless.kafka.chaos;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * An application under test in its own JVM, started with the {@code java} and the class
 * path of the test JVM, a small heap, and its standard input as a pipe: the process halts
 * when the pipe closes ({@link ParentWatchdog}), and reads commands from it. Its console
 * output goes to {@code <name>.out} and its outcome log to {@code <name>.log} in the
 * given directory.
 *
 * @author Lossless Kafka team
 */
final class AppProcess implements AutoCloseable {

	private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);

	private static final List<String> JVM_OPTIONS = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC",
			"-XX:TieredStopAtLevel=1", "-Xss512k", "-Djava.awt.headless=true");

	private final String name;

	private final Path dir;

	private final Class<?> mainClass;

	private final List<String> arguments;

	private final List<String> launcher;

	private @Nullable Process process;

	private AppProcess(String name, Path dir, Class<?> mainClass, List<String> arguments, List<String> launcher) {
		this.name = name;
		this.dir = dir;
		this.mainClass = mainClass;
		this.arguments = arguments;
		this.launcher = launcher;
	}

	/**
	 * Start a process.
	 * @param name the name of the process, unique in the directory
	 * @param dir the directory of its files
	 * @param mainClass the main class
	 * @param arguments the program arguments
	 * @return the started process
	 */
	static AppProcess start(String name, Path dir, Class<?> mainClass, List<String> arguments) {
		return start(name, dir, mainClass, arguments, List.of());
	}

	/**
	 * Start a process through a launcher, for example in a network namespace.
	 * @param name the name of the process, unique in the directory
	 * @param dir the directory of its files
	 * @param mainClass the main class
	 * @param arguments the program arguments
	 * @param launcher the command words before {@code java}; they must exec it
	 * @return the started process
	 */
	static AppProcess start(String name, Path dir, Class<?> mainClass, List<String> arguments, List<String> launcher) {
		AppProcess app = new AppProcess(name, dir, mainClass, List.copyOf(arguments), List.copyOf(launcher));
		app.launch();
		return app;
	}

	private void launch() {
		List<String> command = new ArrayList<>(JVM_OPTIONS);
		command.add("-cp");
		command.add(classPath());
		command.add(this.mainClass.getName());
		command.addAll(this.arguments);
		try {
			Files.createDirectories(this.dir);
			Path argFile = this.dir.resolve(this.name + ".args").toAbsolutePath();
			Files.writeString(argFile,
					command.stream()
						.map((argument) -> '"' + argument.replace("\\", "\\\\").replace("\"", "\\\"") + '"')
						.collect(Collectors.joining("\n", "", "\n")));
			List<String> launch = new ArrayList<>(this.launcher);
			launch.add(javaExecutable());
			launch.add("@" + argFile);
			this.process = new ProcessBuilder(launch).directory(this.dir.toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(outputFile().toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Failed to start " + this.name, ex);
		}
	}

	String name() {
		return this.name;
	}

	/**
	 * Return the outcome log the application writes.
	 * @return the log file
	 */
	Path logFile() {
		return this.dir.resolve(this.name + ".log");
	}

	Path outputFile() {
		return this.dir.resolve(this.name + ".out");
	}

	boolean isAlive() {
		Process process = this.process;
		return process != null && process.isAlive();
	}

	/**
	 * Return the exit status of the process, or {@code null} while it runs.
	 * @return the exit status
	 */
	@Nullable Integer exitValue() {
		Process process = this.process;
		return (process != null && !process.isAlive()) ? process.exitValue() : null;
	}

	/**
	 * Write a command line to the standard input of the process.
	 * @param command the command
	 */
	void send(String command) {
		Process process = this.process;
		if (process == null) {
			return;
		}
		try {
			OutputStream input = process.getOutputStream();
			input.write((command + "\n").getBytes(StandardCharsets.UTF_8));
			input.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Failed to send '" + command + "' to " + this.name, ex);
		}
	}

	/**
	 * Kill the process with {@code SIGKILL} and wait until it is gone.
	 */
	void kill() {
		Process process = this.process;
		if (process != null) {
			process.destroyForcibly();
			awaitExit(process);
		}
	}

	/**
	 * Stop the process with {@code SIGTERM} (a graceful Spring Boot shutdown) and wait
	 * until it is gone; kill it if it does not exit in time.
	 */
	void terminate() {
		Process process = this.process;
		if (process != null && process.isAlive()) {
			process.destroy();
			if (!waitFor(process, EXIT_TIMEOUT)) {
				kill();
				throw new IllegalStateException(this.name + " did not exit within " + EXIT_TIMEOUT.toSeconds()
						+ " s of SIGTERM; killed it\n" + tail());
			}
		}
	}

	/**
	 * Freeze the process with {@code SIGSTOP}, or resume it with {@code SIGCONT}.
	 * @param stop whether to stop it
	 */
	void freeze(boolean stop) {
		Process process = this.process;
		if (process == null || !process.isAlive()) {
			return;
		}
		try {
			Process kill = new ProcessBuilder("kill", stop ? "-STOP" : "-CONT", Long.toString(process.pid()))
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			waitFor(kill, EXIT_TIMEOUT);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Failed to signal " + this.name, ex);
		}
	}

	/**
	 * Wait for the process to exit on its own.
	 * @param timeout the longest wait
	 * @return the exit status
	 */
	int awaitExit(Duration timeout) {
		Process process = this.process;
		if (process == null) {
			throw new IllegalStateException(this.name + " was never started");
		}
		if (!waitFor(process, timeout)) {
			throw new IllegalStateException(
					this.name + " did not exit within " + timeout.toSeconds() + " s\n" + tail());
		}
		return process.exitValue();
	}

	/**
	 * Return the last lines of the console output, for failure messages.
	 * @return the last 40 lines
	 */
	String tail() {
		try {
			List<String> lines = Files.exists(outputFile()) ? Files.readAllLines(outputFile()) : List.of();
			return "--- " + outputFile() + "\n"
					+ String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
		}
		catch (IOException | UncheckedIOException ex) {
			return "(unreadable " + outputFile() + ": " + ex + ")";
		}
	}

	/**
	 * Kill the process if it still runs. Never throws.
	 */
	@Override
	public void close() {
		Process process = this.process;
		if (process != null && process.isAlive()) {
			process.destroyForcibly();
			waitFor(process, EXIT_TIMEOUT);
		}
	}

	private void awaitExit(Process process) {
		if (!waitFor(process, EXIT_TIMEOUT)) {
			throw new IllegalStateException(this.name + " (pid " + process.pid() + ") did not exit");
		}
	}

	private static boolean waitFor(Process process, Duration timeout) {
		try {
			return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static String javaExecutable() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	private static String classPath() {
		return Stream.of(System.getProperty("java.class.path", "").split(File.pathSeparator))
			.filter((entry) -> !entry.isBlank())
			.map((entry) -> Path.of(entry).toAbsolutePath().toString())
			.collect(Collectors.joining(File.pathSeparator));
	}

}
