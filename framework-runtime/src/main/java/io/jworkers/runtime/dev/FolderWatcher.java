package io.jworkers.runtime.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Watches folder trees and files on behalf of owners (workers), and once an owner's changes have
 * settled for a quiet period, asks a {@link Settled} callback what to do. A build writes many
 * files in a burst: the quiet period turns the burst into one call.
 *
 * <p>Builds also delete: {@code mvn clean} removes {@code target/}, an incremental compile
 * removes stale classes first. A watched folder that disappears is watched again when it comes
 * back (through its nearest existing ancestor meanwhile), so a rebuilt tree is never missed.
 */
final class FolderWatcher implements AutoCloseable {

    /** What happens when an owner's changes have settled. */
    interface Settled {

        /**
         * Called on the watcher's thread once nothing changed for the quiet period.
         *
         * @param owner the owner whose files changed
         * @param quietFor how long nothing of the owner's has changed
         * @return {@code true} when handled; {@code false} to be asked again after another quiet period
         */
        boolean settled(String owner, Duration quietFor);
    }

    /**
     * A watched path: a folder with everything below it, or one file (a jar). Which one is decided
     * once, at the start, since a root may be missing while it is being rebuilt.
     */
    record Root(Path path, boolean file) {

        Root {
            path = path.toAbsolutePath().normalize();
        }

        /** A folder, or a file when the path is an existing file or names a jar. */
        static Root of(Path path) {
            return new Root(path, Files.isRegularFile(path) || path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar"));
        }

        boolean contains(Path child) {
            return file ? child.equals(path) : child.startsWith(path);
        }
    }

    private final WatchService service;
    private final Duration quiet;
    private final Settled settled;
    private final Predicate<Path> ignored;
    private final Map<String, List<Root>> roots;
    private final Map<WatchKey, Path> folders = new ConcurrentHashMap<>();
    private final Map<Path, WatchKey> keys = new ConcurrentHashMap<>();
    private final Map<String, Long> lastChange = new HashMap<>();
    private final Map<String, Long> nextAsk = new HashMap<>();
    private final Thread thread;

    private FolderWatcher(String name, Map<String, List<Root>> roots, Duration quiet, Predicate<Path> ignored,
            Settled settled) throws IOException {
        this.service = FileSystems.getDefault().newWatchService();
        this.roots = new LinkedHashMap<>(roots);
        this.quiet = quiet;
        this.ignored = ignored;
        this.settled = settled;
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::run);
    }

    /**
     * Starts watching.
     *
     * @param name the watcher thread's name
     * @param roots each owner's folders (watched with their subfolders) and files
     * @param quiet how long an owner's files must stay unchanged before {@code settled} is asked
     * @param ignored paths whose changes do not count (e.g. a build's output inside a source folder)
     * @param settled what to do once an owner's changes settled
     * @return the running watcher
     */
    static FolderWatcher start(String name, Map<String, List<Root>> roots, Duration quiet, Predicate<Path> ignored,
            Settled settled) {
        try {
            FolderWatcher watching = new FolderWatcher(name, roots, quiet, ignored, settled);
            watching.roots.values().forEach(list -> list.forEach(watching::watchRoot));
            watching.thread.start();
            return watching;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot watch files for live reload: " + e.getMessage(), e);
        }
    }

    /**
     * Watches a root and its parent folder (which sees the root deleted and created again). What
     * does not exist yet is watched through its nearest existing ancestor, to see it appear.
     */
    private void watchRoot(Root root) {
        Path existing = root.path();
        while (existing != null && !Files.isDirectory(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return;
        }
        if (existing.equals(root.path())) {
            watchTree(existing);
        }
        register(existing.equals(root.path()) ? existing.getParent() : existing);
    }

    private void watchTree(Path folder) {
        try (Stream<Path> tree = Files.walk(folder)) {
            tree.filter(Files::isDirectory).filter(ignored.negate()).forEach(this::register);
        } catch (NoSuchFileException | NotDirectoryException | UncheckedIOException gone) {
            // Deleted while being walked: its deletion is an event of its parent, handled there.
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot watch " + folder + " for live reload: " + e.getMessage(), e);
        }
    }

    private void register(Path folder) {
        if (folder == null || keys.containsKey(folder)) {
            return;
        }
        try {
            WatchKey key = folder.register(service, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
            folders.put(key, folder);
            keys.put(folder, key);
        } catch (NoSuchFileException | NotDirectoryException gone) {
            // Deleted meanwhile: its parent's events bring it back.
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot watch " + folder + " for live reload: " + e.getMessage(), e);
        }
    }

    private void run() {
        try {
            while (true) {
                // With no owner waiting for its quiet period, nothing is due until the next event:
                // an idle dev sleeps instead of waking twenty times a second.
                WatchKey key = nextAsk.isEmpty() ? service.take() : service.poll(50, TimeUnit.MILLISECONDS);
                if (key != null) {
                    Path folder = folders.get(key);
                    for (WatchEvent<?> event : key.pollEvents()) {
                        changed(folder, event);
                    }
                    if (!key.reset()) {
                        gone(key, folder);
                    }
                }
                askSettled();
            }
        } catch (InterruptedException | ClosedWatchServiceException stopped) {
            // close() ends the loop.
        }
    }

    private void changed(Path folder, WatchEvent<?> event) {
        if (folder == null) {
            return;
        }
        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
            // Events were lost: anything under this folder may have changed.
            forEachRoot((owner, root) -> {
                if (root.contains(folder) || root.path().startsWith(folder)) {
                    watchRoot(root);
                    touch(owner);
                }
            });
            return;
        }
        if (!(event.context() instanceof Path name) || ignored.test(folder.resolve(name))) {
            return;
        }
        Path child = folder.resolve(name);
        boolean createdFolder = event.kind() == StandardWatchEventKinds.ENTRY_CREATE && Files.isDirectory(child);
        forEachRoot((owner, root) -> {
            if (root.contains(child)) {
                touch(owner);
                if (createdFolder && !root.file()) {
                    watchTree(child);
                }
            } else if (root.path().startsWith(child)) {
                // An ancestor of the root came or went, e.g. target/ during mvn clean package.
                touch(owner);
                watchRoot(root);
            }
        });
    }

    // A watched folder was deleted: forget it, and watch what it held again once it comes back.
    private void gone(WatchKey key, Path folder) {
        folders.remove(key);
        if (folder == null) {
            return;
        }
        keys.remove(folder, key);
        forEachRoot((owner, root) -> {
            if (root.path().startsWith(folder)) {
                touch(owner);
                watchRoot(root);
            }
        });
    }

    private void forEachRoot(BiConsumer<String, Root> action) {
        roots.forEach((owner, list) -> list.forEach(root -> action.accept(owner, root)));
    }

    private void touch(String owner) {
        long now = System.nanoTime();
        lastChange.put(owner, now);
        nextAsk.put(owner, now + quiet.toNanos());
    }

    private void askSettled() {
        long now = System.nanoTime();
        for (String owner : List.copyOf(nextAsk.keySet())) {
            if (now - nextAsk.get(owner) < 0) {
                continue;
            }
            if (settled.settled(owner, Duration.ofNanos(now - lastChange.get(owner)))) {
                nextAsk.remove(owner);
                lastChange.remove(owner);
            } else {
                nextAsk.put(owner, System.nanoTime() + quiet.toNanos());
            }
        }
    }

    /** Stops watching, and interrupts a {@link Settled} call in progress (e.g. a running build). */
    @Override
    public void close() {
        thread.interrupt();
        try {
            service.close();
        } catch (IOException ignoredClose) {
            // Closing the watch service of a stopping host.
        }
        if (thread != Thread.currentThread()) {
            try {
                // A build in progress stops its command before the thread ends; let it, so no command outlives dev.
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
