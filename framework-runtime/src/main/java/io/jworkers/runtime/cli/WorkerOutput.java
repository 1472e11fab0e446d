package io.jworkers.runtime.cli;

import io.jworkers.runtime.pipeline.CallFrame;
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
    // Per thread: each virtual thread writes its own lines.
    private final ThreadLocal<Boolean> atLineStart = ThreadLocal.withInitial(() -> Boolean.TRUE);

    private WorkerOutput(PrintStream target) {
        this.target = target;
    }

    static void install() {
        System.setOut(wrap(System.out));
        System.setErr(wrap(System.err));
    }

    static PrintStream wrap(PrintStream original) {
        return new PrintStream(new WorkerOutput(original), true, StandardCharsets.UTF_8);
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    // Each line goes out with its prefix in one write: the output of other threads (the log
    // handler's, on standard error) cannot land between a prefix and its line.
    @Override
    public void write(byte[] bytes, int offset, int length) {
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
