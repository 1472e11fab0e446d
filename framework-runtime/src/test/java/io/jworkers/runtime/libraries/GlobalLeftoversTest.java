package io.jworkers.runtime.libraries;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.loader.WorkerClassLoader;
import io.jworkers.runtime.testing.Await;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.LogCapture;
import io.jworkers.runtime.testing.ServeHarness;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.Security;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a worker leaves in the JVM-wide registries when it is deleted — a root-logger JUL
 * handler, the default uncaught exception handler, a security provider, the URL stream handler
 * factory, a platform MBean, a shutdown hook, all of its own classes — the host removes, one
 * warning each, so that the version's loader can be collected and the rest of the JVM never calls
 * into a closed worker.
 */
class GlobalLeftoversTest {

    private static final String MBEAN = "io.jworkers.test:type=Polluter";
    private static final String PROVIDER = "JworkersPolluter";
    private static final List<String> LINES = List.of(
            "[polluter] left a java.util.logging handler io.fixture.polluter.PolluterHandler on the root logger; removed",
            "[polluter] left the default uncaught exception handler io.fixture.polluter.PolluterUncaughtHandler; removed",
            "[polluter] left the security provider \"JworkersPolluter\" (io.fixture.polluter.PolluterProvider); removed",
            "[polluter] left the URL stream handler factory io.fixture.polluter.PolluterUrlHandlers; removed",
            "[polluter] left the MBean io.jworkers.test:type=Polluter (io.fixture.polluter.Polluter); removed",
            "[polluter] left a shutdown hook (thread \"polluter-hook\"); removed");

    @TempDir
    Path state;
    @TempDir
    Path work;
    private Thread.UncaughtExceptionHandler originalHandler;

    @BeforeEach
    void rememberTheDefaultHandler() {
        originalHandler = Thread.getDefaultUncaughtExceptionHandler();
    }

    // Whatever the outcome, later tests in this JVM must not meet the polluter. (Only the URL factory
    // cannot be taken back from here: java.net is not open to the tests.)
    @AfterEach
    void cleanUp() throws Exception {
        Thread.setDefaultUncaughtExceptionHandler(originalHandler);
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            if (handler.getClass().getClassLoader() instanceof WorkerClassLoader) {
                root.removeHandler(handler);
            }
        }
        Security.removeProvider(PROVIDER);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        if (server.isRegistered(new ObjectName(MBEAN))) {
            server.unregisterMBean(new ObjectName(MBEAN));
        }
        shutdownHooks().ifPresent(hooks -> hooks.stream().filter(hook -> hook.getName().equals("polluter-hook"))
                .forEach(hook -> Runtime.getRuntime().removeShutdownHook(hook)));
    }

    @Test
    void whatADeletedWorkerLeftInJvmWideRegistriesIsRemovedOnceEach() throws Exception {
        WeakReference<ClassLoader> polluter;
        try (LogCapture host = LogCapture.of("jworkers.host"); ServeHarness harness = ServeHarness.start(state, work)) {
            deploy(harness, "julplain", "/plain");
            deploy(harness, "polluter", "/polluter");
            assertEquals("200 polluted", call(harness, "/polluter"));
            // The fixture did pollute: otherwise the checks below would prove nothing.
            assertAll("the polluter registered everything",
                    () -> assertEquals("io.fixture.polluter.PolluterUncaughtHandler",
                            Thread.getDefaultUncaughtExceptionHandler().getClass().getName()),
                    () -> assertNotNull(Security.getProvider(PROVIDER)),
                    () -> assertTrue(ManagementFactory.getPlatformMBeanServer().isRegistered(new ObjectName(MBEAN))),
                    () -> assertEquals("polluted", URI.create("polluted://x").toURL().getProtocol()),
                    () -> assertEquals(List.of("io.fixture.polluter.PolluterHandler"), workerHandlers()));
            polluter = new WeakReference<>(harness.serve().host().worker("polluter").orElseThrow().loader());

            ServeHarness.Cli deleted = harness.cli("", "delete", "polluter");
            assertEquals(0, deleted.code(), deleted.out() + deleted.err());
            String entrypoint = LibraryWorkers.entrypoint("polluter", "PolluterWorker");
            Await.until(() -> LibraryWorkers.closed(polluter, entrypoint));
            assertTrue(LibraryWorkers.closed(polluter, entrypoint), "the polluter unloaded");
            Await.until(() -> LINES.stream().allMatch(line -> host.messages().contains(line)));

            assertAll("every registry is clean, one warning each",
                    () -> assertEquals(List.of(), workerHandlers(), "JUL root handlers"),
                    () -> assertSame(originalHandler, Thread.getDefaultUncaughtExceptionHandler(), "default uncaught exception handler"),
                    () -> assertNull(Security.getProvider(PROVIDER), "security provider"),
                    () -> assertFalse(ManagementFactory.getPlatformMBeanServer().isRegistered(new ObjectName(MBEAN)), "MBean"),
                    () -> assertThrows(MalformedURLException.class, () -> URI.create("polluted://x").toURL(), "URL stream handler"),
                    () -> assertEquals(List.of(), shutdownHooks().orElse(List.of()).stream()
                            .map(Thread::getName).filter("polluter-hook"::equals).toList(), "shutdown hooks"),
                    () -> assertEquals(LINES, LINES.stream().filter(line -> host.messages().stream().filter(line::equals).count() == 1)
                            .toList(), "each line exactly once; logged: " + host.messagesWith("[polluter] left")),
                    () -> assertTrue(host.records().stream().filter(r -> LINES.contains(r.getMessage()))
                            .allMatch(r -> r.getLevel() == Level.WARNING), "at WARNING"),
                    () -> assertEquals("200 plain ok", call(harness, "/plain"), "the other worker still logs through JUL"));
        }
        // The server is closed: nothing of the host holds the version any more, only what the polluter left could.
        assertEquals(0, LibraryWorkers.aliveAfterGc(List.of(polluter)), "the polluter's loader is collected");
    }

    private static List<String> workerHandlers() {
        return Stream.of(Logger.getLogger("").getHandlers())
                .filter(handler -> handler.getClass().getClassLoader() instanceof WorkerClassLoader)
                .map(handler -> handler.getClass().getName()).toList();
    }

    // The JVM's shutdown hooks (java.lang is open to the tests, as to the host); empty when it is not.
    @SuppressWarnings("unchecked")
    private static Optional<List<Thread>> shutdownHooks() {
        try {
            Class<?> hooks = Class.forName("java.lang.ApplicationShutdownHooks");
            Field field = hooks.getDeclaredField("hooks");
            field.setAccessible(true);
            synchronized (hooks) {
                Map<Thread, Thread> map = (Map<Thread, Thread>) field.get(null);
                return Optional.of(map == null ? List.of() : List.copyOf(map.keySet()));
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private void deploy(ServeHarness harness, String fixture, String route) {
        Path config = LibraryWorkers.config(work, fixture, List.of(route), null);
        ServeHarness.Cli deployed = harness.cli("", "deploy", "-c", config.toString());
        assertEquals(0, deployed.code(), deployed.out() + deployed.err());
    }

    private static String call(ServeHarness harness, String path) {
        HttpResponse<String> response = Http.get(harness.url() + path);
        return response.statusCode() + " " + response.body();
    }
}
