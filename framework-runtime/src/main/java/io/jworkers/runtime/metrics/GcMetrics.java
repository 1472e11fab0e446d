package io.jworkers.runtime.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The garbage collector's meters, read from the JVM's counters when they are scraped, under the
 * names Micrometer's {@code JvmGcMetrics} gives them:
 * <ul>
 * <li>{@code jvm_gc_pause_seconds_count} / {@code _sum}{@code {gc}}: collections and their total
 *     time, per collector ({@code gc="Copy"}, {@code "MarkSweepCompact"} with the launcher's serial
 *     collector; G1's and ZGC's pause collectors likewise);
 * <li>{@code jvm_gc_concurrent_phase_time_seconds_count} / {@code _sum}{@code {gc}}: the cycles of
 *     collectors that run beside the application ({@code "G1 Concurrent GC"}, ZGC's
 *     {@code "... Cycles"}), which are not pauses;
 * <li>{@code jvm_gc_memory_allocated_bytes_total}: bytes allocated in the heap since the start, by
 *     every thread (virtual threads' allocations are their carriers');
 * <li>{@code jvm_gc_max_data_size_bytes} and {@code jvm_gc_live_data_size_bytes}: the old
 *     generation's maximum and its size now (objects reach it when a collection promotes them, or
 *     directly when too large for the young generation, so between collections it is about its size
 *     after the last one).
 * </ul>
 *
 * <p>Why not {@code JvmGcMetrics}: it listens to the JVM's notification after every collection,
 * and for each one the JVM builds the collection's whole description (every memory pool before and
 * after, as JMX open data) on its notification thread, right when the request threads catch up
 * with the pause. Under load that is 0.3 ms of CPU per young collection, ten or more a second, and
 * it lengthens the latency tail (docs/PERFORMANCE.md, §9 "A twelfth run"). Read when
 * scraped, the collectors cost nothing between scrapes. Not kept from {@code JvmGcMetrics}: the
 * {@code action} and {@code cause} tags and the longest pause ({@code _max}), which only a
 * per-collection notification carries, and {@code jvm_gc_memory_promoted_bytes_total}.
 */
final class GcMetrics implements MeterBinder {

    // Micrometer's function meters hold what they read weakly: kept here, the beans live as long as
    // this binder (HostMetrics keeps it), whether or not the JDK caches them. Set by bindTo, which a
    // host runs on a thread of its own at start (the management beans' first use is not cheap).
    private List<GarbageCollectorMXBean> collectors;
    private ThreadMXBean threads;
    private MemoryPoolMXBean old;

    @Override
    public void bindTo(MeterRegistry registry) {
        collectors = ManagementFactory.getGarbageCollectorMXBeans();
        threads = ManagementFactory.getThreadMXBean();
        old = oldGeneration(ManagementFactory.getMemoryPoolMXBeans());
        for (GarbageCollectorMXBean collector : collectors) {
            boolean concurrent = isConcurrent(collector.getName());
            FunctionTimer.builder(concurrent ? "jvm.gc.concurrent.phase.time" : "jvm.gc.pause", collector,
                            GarbageCollectorMXBean::getCollectionCount, GarbageCollectorMXBean::getCollectionTime,
                            TimeUnit.MILLISECONDS)
                    .tag("gc", collector.getName())
                    .description(concurrent ? "Time spent in concurrent phase" : "Time spent in GC pause")
                    .register(registry);
        }
        if (threads instanceof com.sun.management.ThreadMXBean allocations && allocations.isThreadAllocatedMemorySupported()) {
            FunctionCounter.builder("jvm.gc.memory.allocated", allocations, GcMetrics::allocatedBytes)
                    .baseUnit(BaseUnits.BYTES)
                    .description("Bytes allocated in the heap since the JVM started, by all threads")
                    .register(registry);
        }
        if (old != null) {
            Gauge.builder("jvm.gc.max.data.size", old, pool -> pool.getUsage().getMax())
                    .baseUnit(BaseUnits.BYTES)
                    .description("Max size of the long-lived heap memory pool")
                    .register(registry);
            Gauge.builder("jvm.gc.live.data.size", old, pool -> pool.getUsage().getUsed())
                    .baseUnit(BaseUnits.BYTES)
                    .description("Size of the long-lived heap memory pool now")
                    .register(registry);
        }
    }

    // Collectors whose bean counts cycles that run beside the application, not pauses.
    static boolean isConcurrent(String name) {
        return name.contains("Concurrent") || name.endsWith("Cycles");
    }

    // The heap pool objects are promoted to: the serial, parallel and G1 old generations, ZGC's old one.
    static MemoryPoolMXBean oldGeneration(List<MemoryPoolMXBean> pools) {
        for (MemoryPoolMXBean pool : pools) {
            String name = pool.getName();
            if (pool.getType() == MemoryType.HEAP
                    && (name.endsWith("Old Gen") || name.equals("Tenured Gen") || name.equals("ZGC Old Generation"))) {
                return pool;
            }
        }
        return null;
    }

    // Turned off by someone (ThreadMXBean.setThreadAllocatedMemoryEnabled(false)), the JVM answers -1: no value.
    private static double allocatedBytes(com.sun.management.ThreadMXBean threads) {
        long bytes = threads.getTotalThreadAllocatedBytes();
        return bytes < 0 ? Double.NaN : bytes;
    }
}
