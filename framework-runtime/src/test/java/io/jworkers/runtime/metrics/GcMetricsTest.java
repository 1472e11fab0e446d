package io.jworkers.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link GcMetrics}: the collectors' own counters, read when scraped, under Micrometer's names. */
class GcMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Kept, as HostMetrics keeps its binder: the meters read the beans it holds.
    private final GcMetrics gc = new GcMetrics();

    GcMetricsTest() {
        gc.bindTo(registry);
    }

    @AfterEach
    void close() {
        registry.close();
    }

    @Test
    void everyCollectorIsAPauseOrACycleTimerWithItsOwnCountAndTime() {
        System.gc();
        long collections = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            String name = GcMetrics.isConcurrent(collector.getName()) ? "jvm.gc.concurrent.phase.time" : "jvm.gc.pause";
            FunctionTimer timer = registry.get(name).tag("gc", collector.getName()).functionTimer();
            long countBefore = collector.getCollectionCount();
            long millisBefore = collector.getCollectionTime();
            double count = timer.count();
            double millis = timer.totalTime(TimeUnit.MILLISECONDS);
            assertTrue(countBefore <= count && count <= collector.getCollectionCount(), collector.getName() + ": " + count);
            assertTrue(millisBefore <= millis && millis <= collector.getCollectionTime(), collector.getName() + ": " + millis);
            if (!GcMetrics.isConcurrent(collector.getName())) {
                collections += (long) count;
                assertTrue(registry.scrape().contains("jvm_gc_pause_seconds_count{gc=\"" + collector.getName() + "\"}"),
                        registry.scrape());
            }
        }
        assertTrue(collections >= 1, "System.gc() made a collection the pause timers count");
    }

    @Test
    void allocatedBytesCountWhatVirtualThreadsAllocate() throws InterruptedException {
        FunctionCounter allocated = registry.get("jvm.gc.memory.allocated").functionCounter();
        double before = allocated.count();
        byte[][] kept = new byte[1][];
        Thread.ofVirtual().start(() -> kept[0] = new byte[16 << 20]).join();
        double after = allocated.count();
        assertEquals(16 << 20, kept[0].length);
        assertTrue(after - before >= 16 << 20, "counted " + (after - before) + " bytes");
        assertTrue(registry.scrape().contains("# TYPE jvm_gc_memory_allocated_bytes_total counter"), registry.scrape());
    }

    @Test
    void theOldGenerationsMaximumAndSizeAreItsPoolsNow() {
        MemoryPoolMXBean old = GcMetrics.oldGeneration(ManagementFactory.getMemoryPoolMXBeans());
        assertNotNull(old, "the test JVM's collector has an old generation");
        assertEquals((double) old.getUsage().getMax(), registry.get("jvm.gc.max.data.size").gauge().value());
        System.gc();
        long usedBefore = old.getUsage().getUsed();
        double live = registry.get("jvm.gc.live.data.size").gauge().value();
        long usedAfter = old.getUsage().getUsed();
        assertTrue(live >= Math.min(usedBefore, usedAfter) && live <= Math.max(usedBefore, usedAfter),
                live + " between " + usedBefore + " and " + usedAfter);
    }

    @Test
    void theOldGenerationIsFoundByTheNamesOfTheJvmsCollectors() {
        MemoryPoolMXBean old = GcMetrics.oldGeneration(ManagementFactory.getMemoryPoolMXBeans());
        assertTrue(List.of("G1 Old Gen", "Tenured Gen", "PS Old Gen", "ZGC Old Generation").contains(old.getName()),
                old.getName());
    }

    @Test
    void concurrentCyclesAreToldFromPausesByTheCollectorsName() {
        for (String cycles : List.of("G1 Concurrent GC", "ZGC Major Cycles", "ZGC Minor Cycles", "Shenandoah Cycles")) {
            assertTrue(GcMetrics.isConcurrent(cycles), cycles);
        }
        for (String pauses : List.of("Copy", "MarkSweepCompact", "G1 Young Generation", "G1 Old Generation",
                "PS Scavenge", "PS MarkSweep", "ZGC Major Pauses", "ZGC Minor Pauses", "Shenandoah Pauses")) {
            assertFalse(GcMetrics.isConcurrent(pauses), pauses);
        }
    }
}
