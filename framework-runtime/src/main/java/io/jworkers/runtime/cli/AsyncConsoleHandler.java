package io.jworkers.runtime.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.ErrorManager;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * A console handler that never makes the logging thread wait for the console. A record is
 * formatted on the thread that logs it (the worker prefix depends on that thread) and queued;
 * one platform thread writes the queued lines to the stream in batches, with one flush per
 * batch instead of one per record as {@link java.util.logging.ConsoleHandler} does.
 *
 * <p>The queue is bounded: when the stream cannot keep up (a paused terminal, a full pipe),
 * further lines are dropped and counted rather than blocking requests, and the count is written
 * as a line of its own once the stream moves again. Nothing queued is lost at the end:
 * {@link #close()} (which {@code LogManager} runs at shutdown) and {@link #flush()} write out
 * what is queued on the calling thread, and records published after {@code close()} are
 * written directly.
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

    // Batch size at which the writer writes out before taking more lines.
    private static final int BATCH_BYTES = 64 * 1024;

    private final OutputStream out;
    private final Charset charset;
    // Whether ASCII text is its own bytes in the charset (UTF-8, ISO-8859-1, US-ASCII): the fast path.
    private final boolean asciiCompatible;
    // The batch being written, encoded; used only under the writing lock.
    private final byte[] batch = new byte[BATCH_BYTES];
    private int batched;
    private final int capacity;
    private final ConcurrentLinkedQueue<CharSequence> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    // Set by the writer before it parks with nothing to do; the first producer to clear it wakes it.
    private final AtomicBoolean idle = new AtomicBoolean();
    // Held while lines are taken from the queue and written, so that lines keep their order.
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
     * @param line the line, with its line separator; a builder is the handler's from now on
     */
    void publishLine(CharSequence line) {
        if (closed) {
            writing.lock();
            try {
                write(line);
                writeOut();
            } catch (IOException e) {
                reportError(null, e, ErrorManager.WRITE_FAILURE);
            } finally {
                writing.unlock();
            }
            return;
        }
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        queue.offer(line);
        if (idle.get() && idle.compareAndSet(true, false)) {
            LockSupport.unpark(writer);
        }
        if (closed) {
            // close() may have drained just before the offer: nobody else would write this line.
            flush();
        }
    }

    /** Writes out every line queued so far, on the calling thread. */
    @Override
    public void flush() {
        writing.lock();
        try {
            drain();
        } finally {
            writing.unlock();
        }
    }

    /** Writes out what is queued and stops the writer thread; later records are written directly. */
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
        return dropped.get();
    }

    private void drainLoop() {
        while (!closed) {
            writing.lock();
            try {
                drain();
            } finally {
                writing.unlock();
            }
            LockSupport.parkNanos(this, BATCH_NANOS);
            if (queue.isEmpty() && !closed) {
                idle.set(true);
                // A line queued after the check above finds idle set and wakes us; one queued
                // before it is seen here.
                if (queue.isEmpty()) {
                    LockSupport.park(this);
                }
                idle.set(false);
            }
        }
    }

    // Takes every queued line and writes it with one flush; the caller holds the lock.
    private void drain() {
        try {
            boolean wrote = false;
            int taken = 0;
            try {
                for (CharSequence line = queue.poll(); line != null; line = queue.poll()) {
                    // The count is given back in steps, not per line: the logging threads update it too.
                    if (++taken == 256) {
                        queued.addAndGet(-taken);
                        taken = 0;
                    }
                    write(line);
                    wrote = true;
                }
            } finally {
                queued.addAndGet(-taken);
            }
            long lost = dropped.getAndSet(0);
            if (lost > 0) {
                write(droppedLine(lost));
                wrote = true;
            }
            if (wrote) {
                writeOut();
            }
        } catch (IOException | RuntimeException e) {
            reportError(null, e, ErrorManager.WRITE_FAILURE);
        }
    }

    // Adds a line to the batch (for a compact string, one array copy; for an ASCII builder, its
    // characters as bytes, with no string in between); a full batch is written out.
    private void write(CharSequence line) throws IOException {
        int length = line.length();
        if (asciiCompatible && !(line instanceof String) && length <= batch.length) {
            if (batched + length > batch.length) {
                writeOut();
            }
            int at = batched;
            for (int i = 0; i < length; i++) {
                char c = line.charAt(i);
                if (c >= 0x80) {
                    write(line.toString());
                    return;
                }
                batch[at + i] = (byte) c;
            }
            batched = at + length;
            return;
        }
        byte[] bytes = line.toString().getBytes(charset);
        if (batched + bytes.length > batch.length) {
            writeOut();
            if (bytes.length > batch.length) {
                out.write(bytes);
                return;
            }
        }
        System.arraycopy(bytes, 0, batch, batched, bytes.length);
        batched += bytes.length;
    }

    // One write and one flush for everything batched.
    private void writeOut() throws IOException {
        if (batched > 0) {
            int length = batched;
            batched = 0;
            out.write(batch, 0, length);
        }
        out.flush();
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
