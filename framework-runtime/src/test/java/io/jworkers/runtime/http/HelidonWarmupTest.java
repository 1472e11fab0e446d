package io.jworkers.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HelidonWarmupTest {

    @Test
    void theWarmUpEndsByItselfAndLeavesNoThreadBehind() throws InterruptedException {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        HelidonWarmup.inBackground();
        Thread warmup = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("jworkers-helidon-warmup")).findFirst().orElse(null);
        if (warmup != null) {
            warmup.join(60_000);
            assertFalse(warmup.isAlive(), "the warm-up thread ended");
        }
        // A built server that was never started holds no thread (and no port) of its own.
        List<String> left = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread) && thread.isAlive() && !thread.isDaemon())
                .map(Thread::getName).toList();
        assertEquals(List.of(), left);
    }
}
