package io.jworkers.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class AsyncConsoleHandlerTest {

    private static final Formatter MESSAGE_ONLY = new Formatter() {
        @Override
        public String format(LogRecord record) {
            return record.getMessage() + "\n";
        }
    };

    private static LogRecord record(String message) {
        return new LogRecord(Level.INFO, message);
    }

    @Test
    void linesFromManyThreadsAreAllWrittenInTheOrderOfEachThreadAndCloseWritesTheRest() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AsyncConsoleHandler handler = new AsyncConsoleHandler(bytes, StandardCharsets.UTF_8, MESSAGE_ONLY, 100_000);
        List<Thread> threads = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 2_000; i++) {
                    handler.publish(record("t" + thread + " " + i));
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        handler.close();
        List<String> lines;
        synchronized (bytes) {
            lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        }
        assertEquals(8_000, lines.size());
        for (int t = 0; t < 4; t++) {
            String prefix = "t" + t + " ";
            List<String> own = lines.stream().filter(l -> l.startsWith(prefix)).toList();
            for (int i = 0; i < own.size(); i++) {
                assertEquals(prefix + i, own.get(i));
            }
        }
        // After close, records are written at once.
        handler.publish(record("after close"));
        assertTrue(bytes.toString(StandardCharsets.UTF_8).endsWith("after close\n"));
    }

    @Test
    void linesSpanningManyPagesOneLongerThanAPageAndOneNotAsciiAreWrittenInOrderByteForByte() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AsyncConsoleHandler handler = new AsyncConsoleHandler(bytes, StandardCharsets.UTF_8, MESSAGE_ONLY, 100_000);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 30_000; i++) {
            String text = i == 12_345 ? "x".repeat(AsyncConsoleHandler.PAGE_BYTES + 10)
                    : i == 20_000 ? "caf\u00e9 \u732b " + i : "line " + i;
            expected.append(text).append('\n');
            if (i % 3 == 0) {
                handler.publish(record(text));
            } else {
                handler.publishLine(new StringBuilder(text).append('\n'));
            }
        }
        handler.close();
        assertEquals(expected.toString(), bytes.toString(StandardCharsets.UTF_8));
        assertEquals(0, handler.droppedLines());
    }

    @Test
    void aLineIsWrittenPromptlyWithoutAFlush() throws Exception {
        CountDownLatch written = new CountDownLatch(1);
        OutputStream stream = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (new String(b, off, len, StandardCharsets.UTF_8).contains("hello")) {
                    written.countDown();
                }
            }
        };
        AsyncConsoleHandler handler = new AsyncConsoleHandler(stream, StandardCharsets.UTF_8, MESSAGE_ONLY, 16);
        try {
            Thread.sleep(20); // let the writer go idle first
            handler.publish(record("hello"));
            assertTrue(written.await(5, TimeUnit.SECONDS), "the line was not written");
        } finally {
            handler.close();
        }
    }

    @Test
    void whenTheStreamStallsLinesAreDroppedCountedAndTheCountIsLogged() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OutputStream stalling = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                bytes.write(b, off, len);
            }
        };
        AsyncConsoleHandler handler = new AsyncConsoleHandler(stalling, StandardCharsets.UTF_8, MESSAGE_ONLY, 4);
        handler.publish(record("first"));
        assertTrue(writing.await(5, TimeUnit.SECONDS));
        // The writer is stuck on "first": four lines fit in the queue, three do not.
        long started = System.nanoTime();
        for (int i = 1; i <= 7; i++) {
            handler.publish(record("line " + i));
        }
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(1), "publish waited for the stream");
        assertEquals(3, handler.droppedLines());
        release.countDown();
        handler.close();
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(List.of("first", "line 1", "line 2", "line 3", "line 4",
                "3 log lines were dropped: standard error did not keep up (more than 4 lines waiting)"), text.lines().toList());
        assertEquals(0, handler.droppedLines());
    }

    @Test
    void timestampsReadAsInstantToStringDoes() {
        long[] samples = {0, 1, 999, 1_000, 1_001, 1_764_320_451_000L, 1_764_320_451_007L, 1_764_320_451_070L,
            1_764_320_451_700L, 1_764_320_451_999L, -1, -1_500, 253_402_300_799_999L, 253_402_300_800_000L};
        for (long millis : samples) {
            StringBuilder text = new StringBuilder();
            LogSetup.Timestamps.append(text, millis);
            assertEquals(Instant.ofEpochMilli(millis).toString(), text.toString());
        }
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 10_000; i++) {
            long millis = 1_764_320_451_000L + random.nextInt(10_000);
            StringBuilder text = new StringBuilder();
            LogSetup.Timestamps.append(text, millis);
            assertEquals(Instant.ofEpochMilli(millis).toString(), text.toString());
        }
    }

    @Test
    void aLineMadeFromPartsReadsAsTheRecordWithThoseParts() {
        LogSetup.OneLineFormatter formatter = new LogSetup.OneLineFormatter();
        LogRecord record = new LogRecord(Level.INFO, "GET /notes 200 0.3ms id=x workers=gateway:0.2ms");
        record.setLoggerName("jworkers.ingress");
        assertEquals(formatter.format(record), formatter.line(record.getMillis(), Level.INFO, "jworkers.ingress",
                new StringBuilder(record.getMessage()), null));
        LogRecord failure = new LogRecord(Level.SEVERE, "[w] failed");
        failure.setLoggerName("other.logger");
        failure.setThrown(new IllegalStateException("boom"));
        assertEquals(formatter.format(failure), formatter.line(failure.getMillis(), Level.SEVERE, "other.logger",
                "[w] failed", failure.getThrown()));
        assertTrue(formatter.format(record).contains(" INFO  ingress GET /notes"), formatter.format(record));
    }

    @Test
    void anAccessLineBuiltInPlaceIsTheFormattersLineByteForByteAsciiOrNot() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LogSetup.OneLineFormatter formatter = new LogSetup.OneLineFormatter();
        AsyncConsoleHandler handler = new AsyncConsoleHandler(bytes, StandardCharsets.UTF_8, formatter, 100);
        AccessLines lines = new AccessLines(handler);
        long before = System.currentTimeMillis();
        String[] messages = {"GET /notes 200 1.3ms id=id-1 workers=gateway:1.2ms>auth:0.1ms",
            "GET /caf\u00e9/\u732b 404 0.2ms id=id-2 workers=-"};
        for (String message : messages) {
            StringBuilder line = new StringBuilder();
            lines.start(line);
            lines.write(line.append(message));
        }
        handler.close();
        List<String> written = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, written.size(), written.toString());
        for (int i = 0; i < 2; i++) {
            String line = written.get(i);
            // The start is what the formatter writes for a record of the access logger at that moment.
            long millis = Instant.parse(line.substring(0, line.indexOf(' '))).toEpochMilli();
            assertTrue(millis >= before && millis <= System.currentTimeMillis(), line);
            assertEquals(formatter.line(millis, Level.INFO, io.jworkers.runtime.http.AccessLog.LOGGER_NAME, messages[i], null),
                    line + System.lineSeparator());
        }
    }

    @Test
    void everyAccessLineStartsWithTheMillisecondItWasStartedInThoughLinesOfOneMillisecondShareTheirStart()
            throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LogSetup.OneLineFormatter formatter = new LogSetup.OneLineFormatter();
        AsyncConsoleHandler handler = new AsyncConsoleHandler(bytes, StandardCharsets.UTF_8, formatter, 100_000);
        AccessLines lines = new AccessLines(handler);
        List<long[]> bounds = new java.util.ArrayList<>();
        java.util.Set<Long> started = new java.util.HashSet<>();
        // Until lines were started in ten different milliseconds, with many lines in each (however
        // long the thread is kept off the CPU meanwhile).
        while (started.size() < 10) {
            long before = System.currentTimeMillis();
            started.add(before);
            StringBuilder line = new StringBuilder();
            lines.start(line);
            long after = System.currentTimeMillis();
            lines.write(line.append("GET /notes 200 0.1ms id=").append(bounds.size()).append(" workers=-"));
            bounds.add(new long[] {before, after});
        }
        handler.close();
        List<String> written = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(bounds.size(), written.size());
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int i = 0; i < written.size(); i++) {
            String line = written.get(i);
            long millis = Instant.parse(line.substring(0, line.indexOf(' '))).toEpochMilli();
            assertTrue(millis >= bounds.get(i)[0] && millis <= bounds.get(i)[1], i + ": " + line);
            assertTrue(line.endsWith(" INFO  ingress GET /notes 200 0.1ms id=" + i + " workers=-"), line);
            seen.add(millis);
        }
        assertTrue(seen.size() >= 10, "the lines span " + seen.size() + " milliseconds");
        assertTrue(written.size() > seen.size(), "some lines share a millisecond: " + written.size() + " lines");
    }
}
