package io.jworkers.runtime.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.ForkedHost;
import io.jworkers.runtime.testing.HopWorkers;
import io.jworkers.runtime.testing.Http;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deadline clock's ticker, seen in a thread dump of a real {@code jworkers dev} under HTTP
 * traffic: requests whose workers call each other with {@code fetch} never start it, or leave it
 * parked without a timeout (it woke a thousand times a second before), typed RPC calls keep it
 * ticking.
 */
class QuietThreadsTest {

    private static final String NO_THREAD = "no such thread";

    @TempDir
    Path dir;

    @Test
    void fetchChainsLeaveTheClockTickerParkedWhileTypedRpcKeepsItTicking() throws Exception {
        String afterFetch = tickerStateUnderTraffic("fetch");
        assertTrue(afterFetch.equals(NO_THREAD) || afterFetch.equals("WAITING (parking)"),
                "fetch calls woke the ticker: " + afterFetch);
        String afterRpc = tickerStateUnderTraffic("rpc");
        assertNotEquals(NO_THREAD, afterRpc, "typed RPC calls read the coarse clock");
        assertNotEquals("WAITING (parking)", afterRpc, "typed RPC calls read the coarse clock");
    }

    // Serves gateway -> application calling each other by MODE, sends requests for 2.5 s (the ticker
    // ticks a second after its first use, then sleeps unless read), and reads the ticker's state
    // while requests still arrive.
    private String tickerStateUnderTraffic(String mode) throws Exception {
        Path application = HopWorkers.config(dir, "application", null, mode, mode);
        Path gateway = HopWorkers.config(dir, "gateway", "application", mode, mode);
        try (ForkedHost host = ForkedHost.dev(List.of(), List.of("-c", gateway.toString(), "-c", application.toString()))) {
            AtomicBoolean sending = new AtomicBoolean(true);
            AtomicInteger failures = new AtomicInteger();
            Thread client = Thread.ofVirtual().start(() -> {
                while (sending.get()) {
                    HttpResponse<String> response = Http.get(host.url() + "/");
                    if (response.statusCode() != 200 || !response.body().contains("application")) {
                        failures.incrementAndGet();
                    }
                }
            });
            try {
                Thread.sleep(2_500);
                return threadState(host.pid(), "jworkers-clock");
            } finally {
                sending.set(false);
                client.join();
                assertEquals(0, failures.get(), "requests that did not pass both workers");
            }
        }
    }

    private static String threadState(long pid, String name) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
        String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor(30, TimeUnit.SECONDS);
        List<String> lines = dump.lines().toList();
        for (int i = 0; i < lines.size() - 1; i++) {
            if (lines.get(i).startsWith("\"" + name + "\"")) {
                return lines.get(i + 1).trim().replace("java.lang.Thread.State: ", "");
            }
        }
        if (!dump.contains("Full thread dump")) {
            throw new AssertionError("jcmd gave no thread dump:\n" + dump);
        }
        return NO_THREAD;
    }
}
