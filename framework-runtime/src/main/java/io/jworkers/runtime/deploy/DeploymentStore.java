package io.jworkers.runtime.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.jworkers.runtime.bundle.NoSpaceLeftException;
import io.jworkers.runtime.bundle.UnpackedBundle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The on-disk state of {@code jworkers serve}: every deployed version of every worker in every
 * environment, which version is current, and the deployed secrets.
 *
 * <p>Layout under the state folder:
 * <pre>
 * staging/                                   half-built versions; emptied by {@link #open}
 * workers/WORKER/ENV/deployments.json        the index: versions + current; THE commit point
 * workers/WORKER/ENV/versions/N/config.json  the config as deployed
 * workers/WORKER/ENV/versions/N/bundle/      the bundle as unpacked (by BundleArchive, the only reading of its zip)
 * secrets/WORKER/ENV.json                    rw------- inside rwx------ folders
 * </pre>
 *
 * <p>A deploy is built in {@code staging/} (the unpacked bundle moved in, every file forced to disk), then the folder is moved
 * atomically to {@code versions/N}, then {@code deployments.json} is replaced atomically (temp
 * file, force, ATOMIC_MOVE). It is complete exactly when the index is replaced: {@link #open}
 * deletes staging folders, temp files and version folders the index does not list, so a crash
 * at any point leaves the last completed deployment current.
 *
 * <p>Thread-safe: one store-wide lock (deploys are rare). One process per state folder.
 */
public final class DeploymentStore {

    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]+");
    private static final Pattern SECRET_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String INDEX = "deployments.json";
    private static final String VERSIONS = "versions";
    private static final String CONFIG = "config.json";
    private static final String BUNDLE_DIR = "bundle";
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /** The index file's content. */
    record Index(Integer current, List<VersionInfo> versions) {
        Index {
            versions = versions == null ? List.of() : List.copyOf(versions);
        }
    }

    private final Path root;
    private final Path staging;
    private final Path workersDir;
    private final Path secretsDir;
    private final boolean posix;
    private final Object lock = new Object();

    /**
     * Test hook: called with "staged", "moved" and "index-written" at each step of a write. A
     * hook throwing an {@link Error} simulates a crash: no clean-up runs, the files stay.
     */
    volatile Consumer<String> crashHook = step -> { };

    /**
     * Test hook for crash tests of a whole process (kill -9 in the middle of a deploy):
     * {@code -Djworkers.test.pauseDeployAt=STEP@N}, STEP one of {@code staged}, {@code moved},
     * {@code index-written} (the new index is on disk under a temp name), {@code committed} (it
     * replaced the index), makes the write of version N print
     * {@code jworkers test hook: deploy paused at STEP of version N} on standard error when it
     * reaches STEP, then sleep for a minute, so that the test can kill the process right there.
     */
    private static final String PAUSE_AT = System.getProperty("jworkers.test.pauseDeployAt");

    private static void pauseIfAsked(String step, int version) {
        if (PAUSE_AT != null && PAUSE_AT.equals(step + "@" + version)) {
            System.err.println("jworkers test hook: deploy paused at " + step + " of version " + version);
            System.err.flush();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private DeploymentStore(Path root) {
        this.root = root;
        this.staging = root.resolve("staging");
        this.workersDir = root.resolve("workers");
        this.secretsDir = root.resolve("secrets");
        this.posix = Files.getFileAttributeView(root, PosixFileAttributeView.class) != null;
    }

    /**
     * Opens (creating if absent) the store in {@code stateDir} and recovers from a crash:
     * staging folders, temp files and version folders not in their index are deleted.
     */
    public static DeploymentStore open(Path stateDir) {
        Path root = stateDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(root);
            DeploymentStore store = new DeploymentStore(root);
            store.recover();
            return store;
        } catch (IOException e) {
            throw new DeploymentException("Cannot open the state folder " + root + ": " + e, e);
        }
    }

    /** The state folder. */
    public Path stateDir() {
        return root;
    }

    // ------------------------------------------------------------------ deploy / rollback

    /**
     * Stores an unpacked bundle as a new version of {@code worker} in {@code environment} and makes
     * it current. The bundle's folder is moved into the version (so it must be in {@link #scratch()});
     * its config and canonical hash become the version's.
     *
     * @throws DeploymentException bad name, missing or invalid config; nothing is changed
     * @throws NoSpaceLeftException the disk filled up; nothing is changed
     */
    public VersionInfo deploy(String worker, String environment, UnpackedBundle bundle, String message) {
        checkName("worker", worker);
        checkName("environment", environment);
        checkConfig(bundle.configJson());
        if (!Files.isDirectory(bundle.folder())) {
            throw new DeploymentException("Bundle folder " + bundle.folder() + " does not exist or is not a folder");
        }
        synchronized (lock) {
            return deployLocked(worker, environment, bundle, message);
        }
    }

    private VersionInfo deployLocked(String worker, String environment, UnpackedBundle bundle, String message) {
        String configJson = bundle.configJson();
        Path envDir = envDir(worker, environment);
        Index index = readIndex(worker, environment).orElse(new Index(null, List.of()));
        int number = index.versions().stream().mapToInt(VersionInfo::number).max().orElse(0) + 1;
        Path stage = staging.resolve(UUID.randomUUID().toString());
        Path versionsDir = envDir.resolve(VERSIONS);
        Path finalDir = versionsDir.resolve(Integer.toString(number));
        List<Path> createdDirs = new ArrayList<>();
        boolean moved = false;
        try {
            Files.createDirectories(stage);
            // 1. Stage: move the unpacked bundle in (already forced to disk), write config forced.
            Files.move(bundle.folder(), stage.resolve(BUNDLE_DIR), StandardCopyOption.ATOMIC_MOVE);
            writeForced(stage.resolve(CONFIG), configJson.getBytes(StandardCharsets.UTF_8));
            forceDir(stage);
            crashHook.accept("staged");
            pauseIfAsked("staged", number);

            // 2. Move the version into place.
            for (Path dir : List.of(workersDir.resolve(worker), envDir, versionsDir)) {
                if (!Files.isDirectory(dir)) {
                    Files.createDirectory(dir);
                    createdDirs.add(0, dir);
                }
            }
            Files.move(stage, finalDir, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
            forceDir(versionsDir);
            crashHook.accept("moved");
            pauseIfAsked("moved", number);

            // 3. Commit: replace the index.
            VersionInfo info = new VersionInfo(number, Instant.now(), message, bundle.sha256());
            List<VersionInfo> versions = new ArrayList<>(index.versions());
            versions.add(info);
            writeIndex(envDir, new Index(number, versions));
            pauseIfAsked("committed", number);
            return info;
        } catch (IOException | RuntimeException e) {
            // Undo: the index was not replaced, so remove whatever this deploy created.
            deleteQuietly(stage);
            if (moved) {
                deleteQuietly(finalDir);
            }
            for (Path dir : createdDirs) {
                deleteQuietly(dir);
            }
            if (e instanceof DeploymentException de) {
                throw de;
            }
            if (e instanceof IOException io && NoSpaceLeftException.isDiskFull(io)) {
                throw new NoSpaceLeftException("storing version " + number + " of " + worker, root, io);
            }
            throw new DeploymentException("Deploy of " + worker + " to " + environment + " failed: " + e, e);
        }
    }

    /**
     * Makes an existing version current; {@code version == null} means the one before the
     * current one. Nothing changes on error.
     */
    public VersionInfo rollback(String worker, String environment, Integer version) {
        checkName("worker", worker);
        checkName("environment", environment);
        synchronized (lock) {
            Index index = requireIndex(worker, environment);
            VersionInfo target;
            if (version == null) {
                int current = index.current();
                target = index.versions().stream()
                        .filter(v -> v.number() < current)
                        .max(Comparator.comparingInt(VersionInfo::number))
                        .orElseThrow(() -> new DeploymentException("Worker \"" + worker + "\" in environment \""
                                + environment + "\" has no version before the current version " + current));
            } else {
                target = find(index, worker, environment, version);
            }
            try {
                writeIndex(envDir(worker, environment), new Index(target.number(), index.versions()));
            } catch (IOException e) {
                throw new DeploymentException("Rollback of " + worker + " in " + environment + " failed: " + e, e);
            }
            return target;
        }
    }

    // ------------------------------------------------------------------ reads

    /**
     * A folder for scratch files of a deploy in progress (uploads, checks): emptied by {@link #open},
     * so a crash mid-deploy leaves nothing behind after the restart.
     */
    public Path scratch() {
        return staging;
    }

    /** Every version of the worker in the environment, oldest first; empty if none. */
    public List<VersionInfo> versions(String worker, String environment) {
        checkName("worker", worker);
        checkName("environment", environment);
        synchronized (lock) {
            return readIndex(worker, environment).map(Index::versions).orElse(List.of());
        }
    }

    /** A version of the worker in the environment, current or not, or empty if there is no such version. */
    public Optional<Deployment> deployment(String worker, String environment, int version) {
        checkName("worker", worker);
        checkName("environment", environment);
        synchronized (lock) {
            Optional<Index> index = readIndex(worker, environment);
            Optional<VersionInfo> info = index.flatMap(i -> i.versions().stream().filter(v -> v.number() == version).findFirst());
            if (info.isEmpty()) {
                return Optional.empty();
            }
            Path dir = envDir(worker, environment).resolve(VERSIONS).resolve(Integer.toString(version));
            return Optional.of(new Deployment(info.get(), dir.resolve(BUNDLE_DIR), readString(dir.resolve(CONFIG))));
        }
    }

    /** The current deployment, or empty if the worker was never deployed to the environment. */
    public Optional<Deployment> current(String worker, String environment) {
        checkName("worker", worker);
        checkName("environment", environment);
        synchronized (lock) {
            Optional<Index> index = readIndex(worker, environment);
            if (index.isEmpty() || index.get().current() == null) {
                return Optional.empty();
            }
            VersionInfo info = find(index.get(), worker, environment, index.get().current());
            Path dir = envDir(worker, environment).resolve(VERSIONS).resolve(Integer.toString(info.number()));
            return Optional.of(new Deployment(info, dir.resolve(BUNDLE_DIR), readString(dir.resolve(CONFIG))));
        }
    }

    /** Workers with at least one deployment, sorted. */
    public List<String> workers() {
        synchronized (lock) {
            return listDirs(workersDir).stream()
                    .filter(w -> !environmentsLocked(w).isEmpty())
                    .toList();
        }
    }

    /** Environments the worker has been deployed to, sorted. */
    public List<String> environments(String worker) {
        checkName("worker", worker);
        synchronized (lock) {
            return environmentsLocked(worker);
        }
    }

    private List<String> environmentsLocked(String worker) {
        Path dir = workersDir.resolve(worker);
        return listDirs(dir).stream().filter(e -> Files.isRegularFile(dir.resolve(e).resolve(INDEX))).toList();
    }

    // ------------------------------------------------------------------ secrets

    /** Sets a secret of the worker in the environment. */
    public void putSecret(String worker, String environment, String key, String value) {
        checkName("worker", worker);
        checkName("environment", environment);
        checkSecretKey(key);
        if (value == null) {
            throw new DeploymentException("Secret \"" + key + "\" needs a value");
        }
        synchronized (lock) {
            Map<String, String> secrets = new TreeMap<>(readSecrets(worker, environment));
            secrets.put(key, value);
            writeSecrets(worker, environment, secrets);
        }
    }

    /** Deletes a secret; returns whether it existed. */
    public boolean deleteSecret(String worker, String environment, String key) {
        checkName("worker", worker);
        checkName("environment", environment);
        checkSecretKey(key);
        synchronized (lock) {
            Map<String, String> secrets = new TreeMap<>(readSecrets(worker, environment));
            if (secrets.remove(key) == null) {
                return false;
            }
            writeSecrets(worker, environment, secrets);
            return true;
        }
    }

    /** The secrets with their values, for handing to a worker's env. Never print this. */
    public Map<String, String> secrets(String worker, String environment) {
        checkName("worker", worker);
        checkName("environment", environment);
        synchronized (lock) {
            return Collections.unmodifiableMap(new TreeMap<>(readSecrets(worker, environment)));
        }
    }

    /** The secret names only, sorted: what listings may show. */
    public Set<String> secretNames(String worker, String environment) {
        return Collections.unmodifiableSet(new java.util.TreeSet<>(secrets(worker, environment).keySet()));
    }

    private Path secretsFile(String worker, String environment) {
        return secretsDir.resolve(worker).resolve(environment + ".json");
    }

    private Map<String, String> readSecrets(String worker, String environment) {
        Path file = secretsFile(worker, environment);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            throw new DeploymentException("Cannot read the secrets file " + file + ": " + e.getClass().getSimpleName());
        }
        try {
            return JSON.readValue(bytes, new TypeReference<TreeMap<String, String>>() { });
        } catch (IOException e) {
            // No cause and no Jackson message: they may quote the file's content, i.e. values.
            throw new DeploymentException("The secrets file " + file + " is not a valid JSON object of strings");
        }
    }

    private void writeSecrets(String worker, String environment, Map<String, String> secrets) {
        Path dir = secretsDir.resolve(worker);
        Path file = secretsFile(worker, environment);
        Path temp = dir.resolve("." + environment + ".json." + UUID.randomUUID() + ".tmp");
        try {
            createOwnerOnlyDir(secretsDir);
            createOwnerOnlyDir(dir);
            // Owner-only from creation, before any value is written.
            if (posix) {
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_FILE));
            } else {
                Files.createFile(temp);
            }
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(JSON.writeValueAsBytes(secrets));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDir(dir);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new DeploymentException("Cannot write the secrets file " + file + ": " + e.getClass().getSimpleName()
                    + " " + e.getMessage());
        }
    }

    private void createOwnerOnlyDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            try {
                if (posix) {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
                } else {
                    Files.createDirectory(dir);
                }
            } catch (FileAlreadyExistsException ignored) {
                // fine
            }
        }
        if (posix) {
            Files.setPosixFilePermissions(dir, OWNER_DIR); // umask-proof, and repairs an old folder
        }
    }

    // ------------------------------------------------------------------ recovery

    private void recover() throws IOException {
        Files.createDirectories(staging);
        Files.createDirectories(workersDir);
        createOwnerOnlyDir(secretsDir);
        for (String entry : listAll(staging)) {
            deleteRecursively(staging.resolve(entry));
        }
        for (String worker : listAll(workersDir)) {
            Path workerDir = workersDir.resolve(worker);
            if (!Files.isDirectory(workerDir) || !NAME.matcher(worker).matches()) {
                deleteRecursively(workerDir);
                continue;
            }
            for (String env : listAll(workerDir)) {
                recoverEnvironment(worker, env);
            }
            if (listAll(workerDir).isEmpty()) {
                Files.delete(workerDir);
            }
        }
        for (String worker : listAll(secretsDir)) {
            Path dir = secretsDir.resolve(worker);
            if (Files.isDirectory(dir)) {
                for (String name : listAll(dir)) {
                    if (name.startsWith(".") && name.endsWith(".tmp")) {
                        Files.deleteIfExists(dir.resolve(name));
                    }
                }
            }
        }
    }

    private void recoverEnvironment(String worker, String env) throws IOException {
        Path envDir = workersDir.resolve(worker).resolve(env);
        if (!Files.isDirectory(envDir) || !NAME.matcher(env).matches()) {
            deleteRecursively(envDir);
            return;
        }
        Optional<Index> index = readIndex(worker, env);
        Set<String> listed = index.map(i -> i.versions().stream()
                        .map(v -> Integer.toString(v.number())).collect(Collectors.toSet()))
                .orElse(Set.of());
        for (String name : listAll(envDir)) {
            if (!name.equals(INDEX) && !name.equals(VERSIONS)) {
                deleteRecursively(envDir.resolve(name)); // temp index files
            }
        }
        Path versionsDir = envDir.resolve(VERSIONS);
        for (String name : listAll(versionsDir)) {
            if (!listed.contains(name)) {
                deleteRecursively(versionsDir.resolve(name)); // moved but never committed
            }
        }
        for (String number : listed) {
            if (!Files.isDirectory(versionsDir.resolve(number))) {
                throw new DeploymentException("The index " + envDir.resolve(INDEX) + " lists version " + number
                        + " but its folder is missing; restore it from a backup or edit the index");
            }
        }
        if (index.isEmpty()) {
            deleteRecursively(envDir); // first deploy never completed
        }
    }

    // ------------------------------------------------------------------ index

    private Path envDir(String worker, String environment) {
        return workersDir.resolve(worker).resolve(environment);
    }

    private Optional<Index> readIndex(String worker, String environment) {
        Path file = envDir(worker, environment).resolve(INDEX);
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(file), Index.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new DeploymentException("Cannot read the deployment index " + file + ": " + e.getMessage(), e);
        }
    }

    private Index requireIndex(String worker, String environment) {
        return readIndex(worker, environment).filter(i -> i.current() != null)
                .orElseThrow(() -> new DeploymentException("Worker \"" + worker
                        + "\" has no deployments in environment \"" + environment + "\""));
    }

    private static VersionInfo find(Index index, String worker, String environment, int version) {
        return index.versions().stream().filter(v -> v.number() == version).findFirst()
                .orElseThrow(() -> new DeploymentException("Worker \"" + worker + "\" has no version " + version
                        + " in environment \"" + environment + "\"; its versions are: "
                        + index.versions().stream().map(v -> Integer.toString(v.number()))
                        .collect(Collectors.joining(", "))));
    }

    private void writeIndex(Path envDir, Index index) throws IOException {
        Path temp = envDir.resolve(INDEX + "." + UUID.randomUUID() + ".tmp");
        try {
            writeForced(temp, JSON.writeValueAsBytes(index));
            crashHook.accept("index-written");
            pauseIfAsked("index-written", index.current());
            Files.move(temp, envDir.resolve(INDEX), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
        forceDir(envDir);
    }

    // ------------------------------------------------------------------ validation

    private static void checkName(String what, String name) {
        if (name == null || name.isEmpty()) {
            throw new DeploymentException("A " + what + " name is required");
        }
        if (!NAME.matcher(name).matches()) {
            throw new DeploymentException("Invalid " + what + " name \"" + name
                    + "\": use only lowercase letters, digits, '-' and '_'");
        }
    }

    private static void checkSecretKey(String key) {
        if (key == null || !SECRET_KEY.matcher(key).matches()) {
            throw new DeploymentException("Invalid secret name \"" + key
                    + "\": use letters, digits and '_', not starting with a digit");
        }
    }

    private static void checkConfig(String configJson) {
        if (configJson == null || configJson.isBlank()) {
            throw new DeploymentException("Missing config: a deploy needs the worker's config as JSON");
        }
        JsonNode node;
        try {
            node = JSON.readTree(configJson);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new DeploymentException("Invalid config JSON" + (at == null ? "" : " at line " + at.getLineNr()
                    + ", column " + at.getColumnNr()) + ": " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new DeploymentException("Invalid config JSON: expected an object");
        }
    }

    // ------------------------------------------------------------------ files

    private static void writeForced(Path file, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
    }

    /** Best effort: makes a rename durable on Linux; not supported everywhere. */
    private static void forceDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // e.g. Windows: directories cannot be opened
        }
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    private static List<String> listAll(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                names.add(p.getFileName().toString());
            }
        }
        Collections.sort(names);
        return names;
    }

    private static List<String> listDirs(Path dir) {
        try {
            return listAll(dir).stream().filter(n -> NAME.matcher(n).matches() && Files.isDirectory(dir.resolve(n)))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir, e);
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            deleteRecursively(path);
        } catch (IOException ignored) {
            // best effort; open() removes leftovers
        }
    }
}
