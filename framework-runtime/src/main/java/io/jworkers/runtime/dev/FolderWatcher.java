package io.jworkers.runtime.dev;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Watches each worker's classpath (class folders with their subfolders, and the folders of its
 * jars) and, once changes have settled, asks for that worker alone to be reloaded. A build writes
 * many files in a burst: the quiet period turns the burst into one reload.
 */
final class ClasspathWatcher implements AutoCloseable {

    static final Duration QUIET_PERIOD = Duration.ofMillis(300);

    private final WatchService watcher;
    private final Map<WatchKey, Path> folders = new ConcurrentHashMap<>();
    // Which workers a watched folder belongs to (a folder may hold the jars of several).
    private final Map<Path, Set<String>> owners = new ConcurrentHashMap<>();
    private final Map<String, Long> pending = new HashMap<>();
    private final Consumer<String> reload;
    private final Thread thread;

    private ClasspathWatcher(Consumer<String> reload) throws IOException {
        this.watcher = FileSystems.getDefault().newWatchService();
        this.reload = reload;
        this.thread = Thread.ofPlatform().daemon().name("jworkers-dev-watch").unstarted(this::run);
    }

    /**
     * Starts watching.
     *
     * @param classpaths each worker's classpath entries, by worker name
     * @param reload called (on the watcher's thread) with a worker name when its classes changed
     * @param out where to say what is watched
     * @return the running watcher
     */
    static ClasspathWatcher start(Map<String, List<Path>> classpaths, Consumer<String> reload, PrintStream out) {
        try {
            ClasspathWatcher watching = new ClasspathWatcher(reload);
            classpaths.forEach((worker, entries) -> entries.forEach(entry -> watching.watch(worker, entry)));
            watching.thread.start();
            return watching;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot watch the workers' classes for live reload: " + e.getMessage(), e);
        }
    }

    private void watch(String worker, Path entry) {
        Path root = Files.isDirectory(entry) ? entry : entry.getParent();
        try (Stream<Path> tree = Files.isDirectory(entry) ? Files.walk(root) : Stream.of(root)) {
            tree.filter(Files::isDirectory).forEach(folder -> register(worker, folder));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot watch " + entry + " for live reload: " + e.getMessage(), e);
        }
    }

    private void register(String worker, Path folder) {
        owners.computeIfAbsent(folder, f -> ConcurrentHashMap.newKeySet()).add(worker);
        try {
            WatchKey key = folder.register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
            folders.put(key, folder);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot watch " + folder + " for live reload: " + e.getMessage(), e);
        }
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = watcher.poll(50, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (key != null) {
                    Path folder = folders.get(key);
                    for (WatchEvent<?> event : key.pollEvents()) {
                        changed(folder, event);
                    }
                    key.reset();
                }
                reloadSettled();
            }
        } catch (InterruptedException | ClosedWatchServiceException stopped) {
            // close() ends the loop.
        }
    }

    private void changed(Path folder, WatchEvent<?> event) {
        if (folder == null) {
            return;
        }
        Set<String> workers = owners.getOrDefault(folder, Set.of());
        if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE && event.context() instanceof Path name
                && Files.isDirectory(folder.resolve(name))) {
            workers.forEach(worker -> register(worker, folder.resolve(name)));
        }
        long now = System.nanoTime();
        workers.forEach(worker -> pending.put(worker, now));
    }

    private void reloadSettled() {
        long now = System.nanoTime();
        pending.entrySet().removeIf(entry -> {
            if (now - entry.getValue() < QUIET_PERIOD.toNanos()) {
                return false;
            }
            reload.accept(entry.getKey());
            return true;
        });
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            watcher.close();
        } catch (IOException ignored) {
            // Closing the watch service of a stopping host.
        }
    }
}
