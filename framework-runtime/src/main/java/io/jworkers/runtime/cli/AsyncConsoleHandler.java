package io.jworkers.runtime.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.ErrorManager;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * A console handler that never makes the logging thread wait for the console. A record is
 * formatted on the thread that logs it (the worker prefix depends on that thread) and its bytes
 * are added to a page in memory; one platform thread writes the filled pages to the stream in
 * batches, with one flush per batch instead of one per record as
 * {@link java.util.logging.ConsoleHandler} does.
 *
 * <p>A line is encoded straight into the page under a short lock, not queued as an object for
 * the writer to read: the access log adds a line for every request, and a queue's node, the
 * writer's reads of lines made on another core, and its copy cost more than the line itself
 * (docs/PERFORMANCE.md, §9 "An eighth run").
 *
 * <p>What waits is bounded: when the stream cannot keep up (a paused terminal, a full pipe),
 * further lines are dropped and counted rather than blocking requests, and the count is written
 * as a line of its own once the stream moves again. Nothing waiting is lost at the end:
 * {@link #close()} (which {@code LogManager} runs at shutdown) and {@link #flush()} write out
 * what waits on the calling thread, and records published after {@code close()} are written
 * directly.
 */
final class AsyncConsoleHandler extends Handler {

    /** How many lines may wait for the stream before new ones are dropped. */
    static final int DEFAULT_CAPACITY = 16_384;

    // After a batch the writer waits this long for more lines before it writes again: under load
    // one write per 10 ms instead of one per line; an idle host parks it without a timer. Each wake
    // costs a timer, a futex and a context switch: at 1 ms, a CPU profile under wrk -t2 -c50 on 2
    // cores put them at 0.46 µs of every request (docs/PERFORMANCE.md, §9 "A seventh run"); a line
    // still shows within 10 ms.
    private static final long BATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    // The size of a page: one write to the stream each. Under load 10 ms of access lines fill one
    // or two; emptied pages are kept for reuse, up to SPARE_PAGES.
    static final int PAGE_BYTES = 64 * 1024;
    private static final int SPARE_PAGES = 4;

    /** Bytes waiting to be written: a page, or a line longer than one. */
    private record Filled(byte[] bytes, int length) {
    }

    private final OutputStream out;
    private final Charset charset;
    // Whether ASCII text is its own bytes in the charset (UTF-8, ISO-8859-1, US-ASCII): the fast path.
    private final boolean asciiCompatible;
    private final int capacity;
    // Guards what waits: the page being filled, the pages filled before it, the spare pages, the
    // counts and whether the writer sleeps. Held only to add a line or to take what waits.
    private final ReentrantLock appending = new ReentrantLock();
    private byte[] page = new byte[PAGE_BYTES];
    private int used;
    private final ArrayDeque<Filled> filled = new ArrayDeque<>();
    private final ArrayDeque<byte[]> spare = new ArrayDeque<>();
    private int waiting;
    private long dropped;
    // Set by the writer before it parks with nothing to do; the first line after it wakes it.
    private boolean idle;
    // Held while what waits is taken and written, so that lines keep their order.
    private final ReentrantLock writing = new ReentrantLock();
    private final Thread writer;
    private volatile boolean closed;

    AsyncConsoleHandler(OutputStream stream, Charset charset, Formatter formatter, int capacity) {
        this.out = stream;
        this.charset = charset;
        this.asciiCompatible = charset.equals(StandardCharsets.UTF_8) || charset.equals(StandardCharsets.ISO_8859_1)
                || charset.equals(StandardCharsets.US_ASCII);
        this.capacity = capacity;
        setFormatter(formatter);
        setLevel(Level.ALL);
        writer = Thread.ofPlatform().daemon().name("jworkers-log-writer").unstarted(this::drainLoop);
        // The writer lives as long as the process; it must not pin whatever loader was current.
        writer.setContextClassLoader(AsyncConsoleHandler.class.getClassLoader());
        writer.start();
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        String line;
        try {
            line = getFormatter().format(record);
        } catch (RuntimeException e) {
            reportError(null, e, ErrorManager.FORMAT_FAILURE);
            return;
        }
        publishLine(line);
    }

    /**
     * Writes a line already formatted, as {@link #publish} does with a record's.
     *
     * @param line the line, with its line separator; the handler is done with it when this returns
     */
    void publishLine(CharSequence line) {
        if (closed) {
            writing.lock();
            try {
                drain();
                Filled bytes = encode(line);
                out.write(bytes.bytes(), 0, bytes.length());
                out.flush();
            } catch (IOException e) {
                reportError(null, e, ErrorManager.WRITE_FAILURE);
            } finally {
                writing.unlock();
            }
            return;
        }
        // Text that is not a builder of ASCII is encoded before the lock is taken.
        Filled encoded = asciiCompatible && line instanceof StringBuilder ? null : encode(line);
        boolean wake;
        appending.lock();
        try {
            if (waiting >= capacity) {
                dropped++;
                return;
            }
            if (encoded != null || !addAscii((StringBuilder) line)) {
                add(encoded != null ? encoded : encode(line));
            }
            waiting++;
            wake = idle;
            idle = false;
        } finally {
            appending.unlock();
        }
        if (wake) {
            LockSupport.unpark(writer);
        }
        if (closed) {
            // close() may have drained just before the line was added: nobody else would write it.
            flush();
        }
    }

    /** Writes out every line waiting so far, on the calling thread. */
    @Override
    public void flush() {
        writing.lock();
        try {
            drain();
        } finally {
            writing.unlock();
        }
    }

    /** Writes out what waits and stops the writer thread; later records are written directly. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(writer);
        flush();
    }

    /**
     * How many lines were dropped because the stream could not keep up, and not reported yet.
     *
     * @return the count
     */
    long droppedLines() {
        appending.lock();
        try {
            return dropped;
        } finally {
            appending.unlock();
        }
    }

    private void drainLoop() {
        while (!closed) {
            flush();
            LockSupport.parkNanos(this, BATCH_NANOS);
            boolean sleep;
            appending.lock();
            try {
                // A line added after this finds idle set and wakes the writer; one added before is seen here.
                sleep = waiting == 0 && dropped == 0 && !closed;
                idle = sleep;
            } finally {
                appending.unlock();
            }
            if (sleep) {
                LockSupport.park(this);
            }
        }
    }

    // Copies a builder's characters into the page as bytes; false, with nothing added, when one is not ASCII.
    private boolean addAscii(StringBuilder line) {
        int length = line.length();
        if (length > PAGE_BYTES) {
            return false;
        }
        if (used + length > PAGE_BYTES) {
            nextPage();
        }
        byte[] into = page;
        int at = used;
        for (int i = 0; i < length; i++) {
            char c = line.charAt(i);
            if (c >= 0x80) {
                return false;
            }
            into[at + i] = (byte) c;
        }
        used = at + length;
        return true;
    }

    // Adds encoded bytes: into the page when they fit one, else as a piece of their own.
    private void add(Filled bytes) {
        int length = bytes.length();
        if (used + length > PAGE_BYTES) {
            nextPage();
        }
        if (length > PAGE_BYTES) {
            filled.add(bytes);
            return;
        }
        System.arraycopy(bytes.bytes(), 0, page, used, length);
        used += length;
    }

    // The page is full: it waits for the writer, and a spare page (or a new one) takes its place.
    private void nextPage() {
        if (used > 0) {
            filled.add(new Filled(page, used));
            byte[] reused = spare.poll();
            page = reused != null ? reused : new byte[PAGE_BYTES];
            used = 0;
        }
    }

    private Filled encode(CharSequence line) {
        byte[] bytes = line.toString().getBytes(charset);
        return new Filled(bytes, bytes.length);
    }

    // Takes everything waiting and writes it with one flush; the caller holds the writing lock.
    private void drain() {
        Filled[] taken;
        long lost;
        appending.lock();
        try {
            if (waiting == 0 && dropped == 0) {
                return;
            }
            nextPage();
            taken = filled.toArray(Filled[]::new);
            filled.clear();
            waiting = 0;
            lost = dropped;
            dropped = 0;
        } finally {
            appending.unlock();
        }
        try {
            for (Filled bytes : taken) {
                out.write(bytes.bytes(), 0, bytes.length());
            }
            if (lost > 0) {
                out.write(droppedLine(lost).getBytes(charset));
            }
            out.flush();
        } catch (IOException | RuntimeException e) {
            reportError(null, e, ErrorManager.WRITE_FAILURE);
        } finally {
            giveBack(taken);
        }
    }

    // Pages written out become spares, up to SPARE_PAGES; a line longer than a page is left to the GC.
    private void giveBack(Filled[] written) {
        appending.lock();
        try {
            for (Filled bytes : written) {
                if (bytes.bytes().length == PAGE_BYTES && spare.size() < SPARE_PAGES) {
                    spare.add(bytes.bytes());
                }
            }
        } finally {
            appending.unlock();
        }
    }

    private String droppedLine(long lost) {
        LogRecord record = new LogRecord(Level.WARNING, lost + " log line" + (lost == 1 ? " was" : "s were")
                + " dropped: standard error did not keep up (more than " + capacity + " lines waiting)");
        record.setLoggerName("jworkers.log");
        try {
            return getFormatter().format(record);
        } catch (RuntimeException e) {
            return record.getMessage() + System.lineSeparator();
        }
    }
}
