package io.jworkers.runtime.pipeline;

import java.util.Arrays;
import java.util.List;

/**
 * The workers one pipeline passed through, in the order it first reached them, each with the
 * name the access line gives it ({@code auth@2} for a version of a split worker) and the time
 * spent in its {@code fetch} calls.
 *
 * <p>Every hop looks its worker up, so a lookup takes no lock: it compares names by identity (a
 * hop's worker name is the loaded version's own String, the same instance every time) against
 * the names published so far, and only a name not found that way goes on, under the lock, to
 * {@code equals} and to adding the visit (the lock is the instance's monitor). Three short arrays instead of maps and lists: a request
 * through three workers made about 500 bytes of tables here, a twentieth of all it allocated.
 *
 * <p>Times are added with plain writes by a pipeline that runs on one thread only
 * ({@link Pipeline} knows), else under the lock; the arrays grow under the lock.
 */
final class Visits {

    /** The time of a worker reached only over RPC, which is not timed. */
    static final long UNTIMED = -1;

    // Published by a volatile write after its contents; read lock-free, after count.
    private volatile String[] names = new String[4];
    private volatile int count;
    // Under the lock, or on the pipeline's only thread.
    private String[] labels = new String[4];
    private long[] nanos = new long[4];

    /**
     * The index of a worker's visit, added now if it is the first: the visit's number in the order
     * of first visits.
     *
     * @param name the worker
     * @param label how the access line names it; the first version's label stays
     * @return the index, for {@link #addTime}
     */
    int visit(String name, String label) {
        int known = count;
        String[] published = names;
        for (int i = 0; i < known; i++) {
            if (published[i] == name) {
                return i;
            }
        }
        synchronized (this) {
            int size = count;
            String[] current = names;
            for (int i = 0; i < size; i++) {
                if (current[i].equals(name)) {
                    return i;
                }
            }
            if (size == current.length) {
                current = Arrays.copyOf(current, size * 2);
                labels = Arrays.copyOf(labels, size * 2);
                nanos = Arrays.copyOf(nanos, size * 2);
            }
            current[size] = name;
            labels[size] = label;
            nanos[size] = UNTIMED;
            names = current;
            count = size + 1;
            return size;
        }
    }

    /**
     * Adds the time of one {@code fetch} call to a visit.
     *
     * @param visit the visit's index
     * @param time the call's duration in nanoseconds, including the calls it made
     * @param alone whether the pipeline runs on one thread only: a plain add, without the lock
     */
    void addTime(int visit, long time, boolean alone) {
        if (alone) {
            nanos[visit] = Math.max(nanos[visit], 0) + time;
        } else {
            synchronized (this) {
                nanos[visit] = Math.max(nanos[visit], 0) + time;
            }
        }
    }

    /**
     * Appends {@code gateway:2.1ms>auth:0.1ms>application:1.5ms}: each worker by its label, with
     * its time in milliseconds to one decimal (rounded half up, as {@code String.format("%.1f")}
     * does) unless it was reached only over RPC; {@code -} when there was no visit.
     *
     * @param text the line
     * @return {@code text}
     */
    StringBuilder describe(StringBuilder text) {
        synchronized (this) {
            int size = count;
            if (size == 0) {
                return text.append('-');
            }
            for (int i = 0; i < size; i++) {
                if (i > 0) {
                    text.append('>');
                }
                text.append(labels[i]);
                long total = nanos[i];
                if (total >= 0) {
                    long tenths = (total + 50_000) / 100_000;
                    text.append(':').append(tenths / 10).append('.').append((char) ('0' + tenths % 10)).append("ms");
                }
            }
            return text;
        }
    }

    /**
     * The workers visited, in the order of their first visit.
     *
     * @return a snapshot
     */
    List<String> names() {
        int size = count;
        return List.of(Arrays.copyOf(names, size));
    }
}
