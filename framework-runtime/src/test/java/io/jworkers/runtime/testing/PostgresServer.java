package io.jworkers.runtime.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests, made with the machine's own server binaries ({@code initdb},
 * {@code pg_ctl}): its data folder under a test's folder, listening on a free port of 127.0.0.1
 * only, its Unix socket inside the data folder. It is tuned for speed, not for surviving a crash
 * of the machine ({@code fsync=off} and the like), which a throwaway server can afford; what it
 * acknowledged survives a crash of PostgreSQL itself ({@link #kill()}).
 *
 * <p>The superuser {@code postgres} connects without a password (this class uses it to create
 * roles and databases); {@link #user()} needs {@link #password()}, so tests of passwords test
 * something. {@link #stop()} and {@link #start()} make an outage: the same port, the same data.
 *
 * <p>PostgreSQL refuses to run as root. When the tests run as root (CI, containers), the server
 * runs as the {@code postgres} user that the distribution's package creates, and its folder
 * belongs to that user.
 */
public final class PostgresServer implements AutoCloseable {

    private static final String SUPERUSER = "postgres";
    private static final String USER = "jworkers";
    private static final String PASSWORD = "jworkers-test";
    private static final String DATABASE = "jworkers";
    private static final String SERVER_USER_WHEN_ROOT = "postgres";
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final int PORT_ATTEMPTS = 5;

    // Servers a test left running are stopped when the JVM exits: postgres outlives the JVM otherwise.
    private static final Set<PostgresServer> RUNNING = ConcurrentHashMap.newKeySet();

    // A stopped server made once per JVM (initdb, the role, the database jworkers) whose data folder
    // each new server copies: initdb takes 1.2 to 1.7 s on a 2-core machine, the copy 0.3 s.
    private static volatile PostgresServer template;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(PostgresServer::atExit, "postgres-servers-at-exit"));
    }

    private final Path bin;
    private final Path home;
    private final Path data;
    private final Path log;
    private final List<String> runAs;
    private int port;
    private boolean running;

    private PostgresServer(Path bin, Path home, List<String> runAs) {
        this.bin = bin;
        this.home = home;
        this.data = home.resolve("data");
        this.log = home.resolve("server.log");
        this.runAs = runAs;
    }

    /**
     * Makes a new server in {@code dir/postgres} and starts it. Its data folder is a copy of one
     * made once per JVM: {@code initdb}, then the role {@link #user()} and its database {@code
     * jworkers}.
     *
     * @param dir a folder of the test's; when run as root, the {@code postgres} user must reach
     *            it: the folders under the JVM's temp folder on the way are made searchable
     * @return the running server
     * @throws IOException if a step fails; the message has the step's output or the server's log
     * @throws InterruptedException if interrupted
     */
    public static PostgresServer start(Path dir) throws IOException, InterruptedException {
        Path bin = binaries();
        PostgresServer server = at(bin, Files.createDirectory(dir.toAbsolutePath().normalize().resolve("postgres")));
        Path template = template(bin);
        Result copy = server.run(List.of("cp", "-a", template.toString(), server.data.toString()), 120);
        if (copy.exit != 0) {
            throw new IOException("Copying " + template + " to " + server.data + " failed (exit " + copy.exit + "): "
                    + copy.output.strip());
        }
        server.startOnFreePort();
        return server;
    }

    private static synchronized Path template(Path bin) throws IOException, InterruptedException {
        if (template == null) {
            Path home = Files.createTempDirectory("jworkers-postgres-");
            PostgresServer maker = null;
            try {
                maker = at(bin, home);
                maker.initdb();
                maker.startOnFreePort();
                maker.superuser("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'",
                        "CREATE DATABASE " + DATABASE + " OWNER " + USER);
                maker.stop();
                template = maker;
            } catch (SQLException e) {
                throw new IOException("Creating the role " + USER + " on " + maker + " failed: " + e, e);
            } finally {
                if (template == null) {
                    discard(maker, home);
                }
            }
        }
        return template.data;
    }

    // After a failure, which the caller reports: what is left is removed as far as it can be.
    private static void discard(PostgresServer server, Path home) {
        try {
            if (server != null) {
                server.kill();
            }
            deleteTree(home);
        } catch (IOException | InterruptedException | RuntimeException e) {
            System.err.println("cleaning up " + home + " failed: " + e);
        }
    }

    // A server in an empty folder, as the postgres user when the JVM runs as root.
    private static PostgresServer at(Path bin, Path home) throws IOException, InterruptedException {
        if ((Integer) Files.getAttribute(home, "unix:uid") != 0) {
            return new PostgresServer(bin, home, List.of());
        }
        PostgresServer server = new PostgresServer(bin, home, asServerUser(home));
        if (server.run(List.of("test", "-w", home.toString()), 30).exit != 0) {
            throw new IOException("PostgreSQL runs as the user " + SERVER_USER_WHEN_ROOT + " (the tests run as root),"
                    + " who cannot write to " + home + blocking(home).map(folder -> ": " + folder
                    + " is not searchable by others (chmod o+x, or start the server in a folder under "
                    + System.getProperty("java.io.tmpdir") + ", such as a @TempDir)").orElse(""));
        }
        return server;
    }

    private void startOnFreePort() throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            try {
                start();
                return;
            } catch (PortTaken e) {
                // Another process took the free port between our probe and postgres' bind.
                if (attempt == PORT_ATTEMPTS) {
                    throw new IOException(e.getMessage(), e);
                }
            }
        }
    }

    /**
     * Starts the server again after {@link #stop()} or {@link #kill()}, on the same port with the
     * same data (after {@code kill()}, PostgreSQL first recovers from its write-ahead log).
     *
     * @throws IOException if it does not start, with the server's log; also if the port was
     *                     taken by another process meanwhile
     * @throws InterruptedException if interrupted
     * @throws IllegalStateException if it is running
     */
    public synchronized void start() throws IOException, InterruptedException {
        if (running) {
            throw new IllegalStateException("the PostgreSQL server on port " + port + " is running");
        }
        long logSize = Files.exists(log) ? Files.size(log) : 0;
        // pg_ctl -o goes through a shell: only the port here; everything else is in postgresql.conf.
        Result result = run(List.of(exe("pg_ctl"), "start", "-w", "-t", "60", "-D", data.toString(),
                "-l", log.toString(), "-o", "-p " + port), 90);
        if (result.exit != 0) {
            String serverLog = logSince(logSize);
            String message = "PostgreSQL did not start on port " + port + " (pg_ctl exit " + result.exit + "): "
                    + result.output.strip() + "\nserver log:\n" + serverLog;
            if (serverLog.contains("could not bind") || serverLog.contains("Address already in use")) {
                throw new PortTaken(message);
            }
            throw new IOException(message);
        }
        running = true;
        RUNNING.add(this);
    }

    /**
     * Stops the server as an administrator would ({@code pg_ctl stop -m fast}: open connections
     * are ended, a checkpoint is written); it can be {@link #start()}ed again. Does nothing when
     * it is not running.
     *
     * @throws IOException if {@code pg_ctl} fails
     * @throws InterruptedException if interrupted
     */
    public synchronized void stop() throws IOException, InterruptedException {
        shutdown("fast");
    }

    /**
     * Stops the server as a crash would ({@code pg_ctl stop -m immediate}: no checkpoint); it can be
     * {@link #start()}ed again. Does nothing when it is not running.
     *
     * @throws IOException if {@code pg_ctl} fails
     * @throws InterruptedException if interrupted
     */
    public synchronized void kill() throws IOException, InterruptedException {
        shutdown("immediate");
    }

    /**
     * Stops the server and deletes its folder.
     *
     * @throws IOException if it cannot be stopped or deleted, or if interrupted meanwhile
     */
    @Override
    public synchronized void close() throws IOException {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while stopping " + this);
        } finally {
            if (!running) {
                deleteTree(home);
            }
        }
    }

    /**
     * The server's port on 127.0.0.1.
     *
     * @return the port, the same across {@link #stop()} and {@link #start()}
     */
    public int port() {
        return port;
    }

    /**
     * A JDBC URL of one of the server's databases.
     *
     * @param database e.g. {@code jworkers}, or one made by {@link #createDatabase(String)}
     * @return {@code jdbc:postgresql://127.0.0.1:PORT/DATABASE}
     */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /**
     * The database {@code jworkers} as a connection URI, the form a host's configuration takes; the
     * password is not in it (see {@link #password()}).
     *
     * @return {@code postgresql://jworkers@127.0.0.1:PORT/jworkers}
     */
    public String url() {
        return "postgresql://" + USER + "@127.0.0.1:" + port + "/" + DATABASE;
    }

    /**
     * The role for tests: a login with a password, owner of the database {@code jworkers} and of
     * those made by {@link #createDatabase(String)}; not a superuser.
     *
     * @return {@code jworkers}
     */
    public String user() {
        return USER;
    }

    /**
     * The password of {@link #user()}, checked by the server (SCRAM).
     *
     * @return {@code jworkers-test}
     */
    public String password() {
        return PASSWORD;
    }

    /**
     * Creates an empty database owned by {@link #user()}, so that each test has its own.
     *
     * @param name lower-case letters, digits and {@code _}, not starting with a digit
     * @return its JDBC URL
     * @throws SQLException if the server refuses (e.g. the name is taken)
     * @throws IllegalArgumentException if the name is not such a name
     */
    public String createDatabase(String name) throws SQLException {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        superuser("CREATE DATABASE " + name + " OWNER " + USER);
        return jdbcUrl(name);
    }

    @Override
    public String toString() {
        return "PostgresServer[127.0.0.1:" + port + ", " + data + (running ? "" : ", stopped") + "]";
    }

    private void initdb() throws IOException, InterruptedException {
        // -N: no fsync of the new files, as fsync=off later; C locale: the same results on every machine.
        Result result = run(List.of(exe("initdb"), "-D", data.toString(), "-U", SUPERUSER, "-A", "trust",
                "-E", "UTF8", "--locale=C", "-N"), 120);
        if (result.exit != 0) {
            throw new IOException("initdb failed (exit " + result.exit + ")" + (runAs.isEmpty() ? "" : " as the user "
                    + SERVER_USER_WHEN_ROOT) + ":\n" + result.output.strip());
        }
        // Writing into the files initdb made keeps their owner, the server's user.
        Files.writeString(data.resolve("postgresql.conf"), """

                # jworkers tests: a throwaway server, fast rather than durable.
                listen_addresses = '127.0.0.1'
                # Relative to the data folder: private to this server, and short (socket paths are limited to 107 bytes).
                unix_socket_directories = '.'
                fsync = off
                full_page_writes = off
                # Not synchronous_commit = off: with it, kill() loses commits already acknowledged
                # (70 of 200 in a test), so a crash test would see writes vanish that a real server
                # keeps. Without fsync, on costs little (0.17 against 0.10 ms a commit).
                shared_buffers = 16MB
                max_connections = 200
                """, StandardOpenOption.APPEND);
        Files.writeString(data.resolve("pg_hba.conf"), """
                # jworkers tests: the superuser without a password (the test helper's own connections),
                # every other role with its password.
                local all all trust
                host all %s 127.0.0.1/32 trust
                host all all 127.0.0.1/32 scram-sha-256
                """.formatted(SUPERUSER), StandardOpenOption.TRUNCATE_EXISTING);
    }

    private void shutdown(String mode) throws IOException, InterruptedException {
        if (!running) {
            return;
        }
        Result result = run(List.of(exe("pg_ctl"), "stop", "-w", "-t", "60", "-m", mode, "-D", data.toString()), 90);
        if (result.exit != 0) {
            throw new IOException("pg_ctl stop -m " + mode + " failed (exit " + result.exit + "): " + result.output.strip());
        }
        running = false;
        RUNNING.remove(this);
    }

    private static void atExit() {
        for (PostgresServer server : RUNNING) {
            try {
                server.kill();
            } catch (IOException | InterruptedException | RuntimeException e) {
                System.err.println("stopping " + server + " at exit failed: " + e);
            }
        }
        PostgresServer made = template;
        if (made != null) {
            try {
                deleteTree(made.home);
            } catch (IOException | RuntimeException e) {
                System.err.println("deleting " + made.home + " at exit failed: " + e);
            }
        }
    }

    // The helper connects with the driver itself, not DriverManager: tests of the JVM-wide driver
    // registry share this JVM.
    private void superuser(String... statements) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", SUPERUSER);
        try (Connection connection = new org.postgresql.Driver().connect(jdbcUrl("postgres"), properties);
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private String exe(String name) {
        return bin.resolve(name).toString();
    }

    private Result run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(runAs);
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).directory(home.toFile()).redirectErrorStream(true);
        // PGPORT, PGDATA, PGOPTIONS and the like of the user's shell would change what the server does.
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        Process process = builder.start();
        process.getOutputStream().close();
        // pg_ctl start -l sends the server's output to the log, so this ends when pg_ctl does.
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", full) + " did not end in " + timeoutSeconds + " s: " + output);
        }
        return new Result(process.exitValue(), output);
    }

    private String logSince(long offset) throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        byte[] bytes = Files.readAllBytes(log);
        return new String(bytes, (int) Math.min(offset, bytes.length), (int) Math.max(0, bytes.length - offset),
                StandardCharsets.UTF_8).strip();
    }

    // A free port below the kernel's ephemeral range: a test that stops the server for an outage
    // starts it again on the same port, and meanwhile any connection made on the machine could
    // get an ephemeral port as its local port, as one did (port 44567, "Address already in use").
    // Below the range only an explicit bind takes a port; port 0 binds stay inside it.
    private static int freePort() throws IOException {
        int below = ephemeralLow();
        for (int attempt = 0; attempt < 100 && below > 11_000; attempt++) {
            int candidate = java.util.concurrent.ThreadLocalRandom.current().nextInt(10_000, below);
            try (ServerSocket socket = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    // The first port of Linux's ephemeral range (net.ipv4.ip_local_port_range), 32768 if unknown.
    private static int ephemeralLow() {
        try {
            return Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    /**
     * The folder of {@code initdb} and {@code pg_ctl}: {@code JWORKERS_PG_BIN}, else the newest
     * {@code /usr/lib/postgresql/VERSION/bin} (Debian and Ubuntu), else the folder of {@code pg_ctl}
     * on the {@code PATH}.
     */
    private static Path binaries() throws IOException {
        String fromEnv = System.getenv("JWORKERS_PG_BIN");
        if (fromEnv != null && !fromEnv.isBlank()) {
            Path bin = Path.of(fromEnv);
            if (!hasServer(bin)) {
                throw new IOException("JWORKERS_PG_BIN=" + fromEnv + " has no initdb and pg_ctl; set it to the folder"
                        + " that has PostgreSQL's server programs");
            }
            return bin;
        }
        Optional<Path> debian = newestDebian(Path.of("/usr/lib/postgresql"));
        if (debian.isPresent()) {
            return debian.get();
        }
        String path = System.getenv("PATH");
        for (String folder : path == null ? new String[0] : path.split(java.io.File.pathSeparator)) {
            if (!folder.isEmpty() && hasServer(Path.of(folder))) {
                return Path.of(folder);
            }
        }
        throw new IOException("The tests start real PostgreSQL servers, and no PostgreSQL server programs (initdb,"
                + " pg_ctl) were found in JWORKERS_PG_BIN, /usr/lib/postgresql/*/bin or the PATH. Install them"
                + " (Debian/Ubuntu: sudo apt-get install postgresql), or set JWORKERS_PG_BIN to the folder that has them.");
    }

    private static Optional<Path> newestDebian(Path versions) throws IOException {
        if (!Files.isDirectory(versions)) {
            return Optional.empty();
        }
        try (Stream<Path> children = Files.list(versions)) {
            return children.filter(version -> version.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                    .filter(version -> hasServer(version.resolve("bin")))
                    .max(Comparator.comparingDouble(version -> Double.parseDouble(version.getFileName().toString())))
                    .map(version -> version.resolve("bin"));
        }
    }

    private static boolean hasServer(Path bin) {
        return Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl"))
                && Files.isExecutable(bin.resolve("postgres"));
    }

    // Running as root: the server's folder is given to the postgres user, and every command runs as
    // that user. The folders above it that are the tests' own (under the JVM's temp folder: a JUnit
    // @TempDir is rwx------) are made searchable by others; no other folder is changed.
    private static List<String> asServerUser(Path home) throws IOException {
        UserPrincipal user;
        try {
            user = home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(SERVER_USER_WHEN_ROOT);
        } catch (UserPrincipalNotFoundException e) {
            throw new IOException("The tests run as root, which PostgreSQL refuses, and there is no user "
                    + SERVER_USER_WHEN_ROOT + " to run it as: install the postgresql package (it makes that user),"
                    + " or run the tests as a normal user", e);
        }
        Files.setOwner(home, user);
        Path temp = Path.of(System.getProperty("java.io.tmpdir")).toRealPath();
        for (Path folder = home.toRealPath().getParent(); folder.startsWith(temp) && !folder.equals(temp);
                folder = folder.getParent()) {
            searchableByOthers(folder, true);
        }
        // setpriv execs the command as the user; runuser is its older equivalent (both util-linux).
        for (String setpriv : List.of("/usr/bin/setpriv", "/bin/setpriv")) {
            if (Files.isExecutable(Path.of(setpriv))) {
                return List.of(setpriv, "--reuid=" + SERVER_USER_WHEN_ROOT, "--regid=" + SERVER_USER_WHEN_ROOT,
                        "--init-groups", "--");
            }
        }
        for (String runuser : List.of("/usr/sbin/runuser", "/sbin/runuser")) {
            if (Files.isExecutable(Path.of(runuser))) {
                return List.of(runuser, "-u", SERVER_USER_WHEN_ROOT, "--");
            }
        }
        throw new IOException("The tests run as root, which PostgreSQL refuses, and neither setpriv nor runuser"
                + " (util-linux) is there to run it as the user " + SERVER_USER_WHEN_ROOT);
    }

    // The first folder above home that others cannot search: what keeps the postgres user out.
    private static Optional<Path> blocking(Path home) throws IOException {
        for (Path folder = home.toRealPath().getParent(); folder != null; folder = folder.getParent()) {
            if (!searchableByOthers(folder, false)) {
                return Optional.of(folder);
            }
        }
        return Optional.empty();
    }

    private static boolean searchableByOthers(Path folder, boolean make) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(folder, PosixFileAttributeView.class);
        Set<PosixFilePermission> permissions = view.readAttributes().permissions();
        if (permissions.contains(PosixFilePermission.OTHERS_EXECUTE)) {
            return true;
        }
        if (make) {
            permissions.add(PosixFilePermission.OTHERS_EXECUTE);
            view.setPermissions(permissions);
        }
        return make;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private record Result(int exit, String output) {
    }

    /** The port was taken before the server could bind it: the first start tries another. */
    private static final class PortTaken extends IOException {
        private static final long serialVersionUID = 1L;

        PortTaken(String message) {
            super(message);
        }
    }
}
