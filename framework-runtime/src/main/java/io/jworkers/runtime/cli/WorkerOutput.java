package io.jworkers.runtime.cli;

import io.jworkers.runtime.pipeline.CallFrame;
import io.jworkers.runtime.tail.RequestLog;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Standard output and error that prefix each line a worker prints with the worker's name, e.g.
 * {@code [auth] checking token}, so the output of many workers in one process stays readable.
 * Lines printed outside worker code pass unchanged.
 */
final class WorkerOutput extends OutputStream {

    private final PrintStream target;
    private final boolean error;
    // Per thread: each virtual thread writes its own lines.
    private final ThreadLocal<Boolean> atLineStart = ThreadLocal.withInitial(() -> Boolean.TRUE);

    private WorkerOutput(PrintStream target, boolean error) {
        this.target = target;
        this.error = error;
    }

    static void install() {
        System.setOut(wrap(System.out));
        System.setErr(wrap(System.err, true));
    }

    static PrintStream wrap(PrintStream original) {
        return wrap(original, false);
    }

    /**
     * Wraps a stream.
     *
     * @param original the stream lines go to
     * @param error whether it is standard error (a live tail shows its lines at level {@code error})
     */
    static PrintStream wrap(PrintStream original, boolean error) {
        return new PrintStream(new WorkerOutput(original, error), true, StandardCharsets.UTF_8);
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    // Each line goes out with its prefix in one write: the output of other threads (the log
    // handler's, on standard error) cannot land between a prefix and its line.
    @Override
    public void write(byte[] bytes, int offset, int length) {
        if (RequestLog.capturing()) {
            RequestLog.printed(bytes, offset, length, error);
        }
        int start = offset;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            if (bytes[i] == '\n') {
                writeSegment(bytes, start, i + 1 - start);
                atLineStart.set(Boolean.TRUE);
                start = i + 1;
            }
        }
        if (start < end) {
            writeSegment(bytes, start, end - start);
            atLineStart.set(Boolean.FALSE);
        }
    }

    @Override
    public void flush() {
        target.flush();
    }

    private void writeSegment(byte[] bytes, int offset, int length) {
        String worker = atLineStart.get() ? CallFrame.currentWorkerName() : null;
        if (worker == null) {
            target.write(bytes, offset, length);
            return;
        }
        byte[] prefix = ("[" + worker + "] ").getBytes(StandardCharsets.UTF_8);
        byte[] line = new byte[prefix.length + length];
        System.arraycopy(prefix, 0, line, 0, prefix.length);
        System.arraycopy(bytes, offset, line, prefix.length, length);
        target.write(line, 0, line.length);
    }
}
