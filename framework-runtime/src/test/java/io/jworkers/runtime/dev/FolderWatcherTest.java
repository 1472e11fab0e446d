package io.jworkers.runtime.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watcher's thread: asleep without a timeout while nothing is pending, yet never missing a change. */
class FolderWatcherTest {

    @TempDir
    Path dir;

    @Test
    void anIdleWatcherWaitsForTheNextEventWithoutATimeoutAndStillAsksOnceAChangeSettled() throws Exception {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        LinkedBlockingQueue<String> asked = new LinkedBlockingQueue<>();
        String name = "folder-watcher-test-" + System.nanoTime();
        try (FolderWatcher watcher = FolderWatcher.start(name, Map.of("app", List.of(FolderWatcher.Root.of(classes))),
                Duration.ofMillis(100), path -> false, (owner, quietFor) -> asked.add(owner + " " + !quietFor.isNegative()))) {
            Thread thread = threadNamed(name);
            awaitState(thread, Thread.State.WAITING);

            Files.writeString(classes.resolve("A.class"), "changed");
            assertEquals("app true", asked.poll(30, TimeUnit.SECONDS), "a change is asked about once it settled");
            awaitState(thread, Thread.State.WAITING);
            assertEquals(null, asked.poll(300, TimeUnit.MILLISECONDS), "asked once per settled change");
        }
    }

    private static Thread threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no thread " + name));
    }

    // WAITING is a park without a timeout (WatchService.take); polling with a timeout is TIMED_WAITING.
    private static void awaitState(Thread thread, Thread.State state) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (thread.getState() != state && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertTrue(thread.getState() == state, thread.getName() + " is " + thread.getState() + ", not " + state);
    }
}
