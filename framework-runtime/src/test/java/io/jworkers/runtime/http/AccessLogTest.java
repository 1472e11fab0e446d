package io.jworkers.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.pipeline.Pipeline;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AccessLogTest {

    @Test
    void millisReadAsStringFormatPrintsThem() {
        long[] samples = {0, 1, 49_999, 50_000, 99_999, 100_000, 149_999, 150_000, 1_250_000, 1_249_999, 9_950_000,
            99_950_000, 123_456_789_012L, 30_000_000_000L};
        for (long nanos : samples) {
            assertEquals(String.format(Locale.ROOT, "%.1f", nanos / 1_000_000.0), millis(nanos), "nanos " + nanos);
        }
        Random random = new Random(11);
        for (int i = 0; i < 100_000; i++) {
            long nanos = random.nextLong(100_000_000_000L);
            assertEquals(String.format(Locale.ROOT, "%.1f", nanos / 1_000_000.0), millis(nanos), "nanos " + nanos);
        }
    }

    @Test
    void workersAreListedInTheOrderOfTheirFirstVisitWithTheirFetchTime() {
        Pipeline pipeline = new Pipeline("r1", 1000, Duration.ofSeconds(5));
        assertEquals("-", pipeline.describeWorkers());
        pipeline.visit("gateway");
        pipeline.visit("auth");
        pipeline.addTime("auth", 120_000);
        pipeline.visit("admin");
        pipeline.visit("application");
        pipeline.addTime("application", 1_450_000);
        pipeline.visit("auth");
        pipeline.addTime("auth", 30_000);
        pipeline.addTime("gateway", 2_149_999);
        assertEquals("gateway:2.1ms>auth:0.2ms>admin>application:1.5ms", pipeline.describeWorkers());
        assertEquals("x gateway:2.1ms>auth:0.2ms>admin>application:1.5ms",
                pipeline.describeWorkers(new StringBuilder("x ")).toString());
        assertEquals(List.of("gateway", "auth", "admin", "application"), pipeline.visitedWorkers());
    }

    private static String millis(long nanos) {
        StringBuilder text = new StringBuilder();
        AccessLog.appendMillis(text, nanos);
        return text.toString();
    }

    @Test
    void aWriterOfItsOwnGetsTheLinesAndOffBuildsNone() {
        List<String> lines = new java.util.ArrayList<>();
        List<String> console = new java.util.ArrayList<>();
        AccessLog.writeTo(AccessLog.Lines.of(line -> console.add(line.toString())));
        try {
            AccessLog.to("lines", AccessLog.Lines.of(line -> lines.add(line.toString()))).log("POST", "/c", 201, System.nanoTime(), "id-3", null);
            AccessLog.OFF.log("GET", "/d", 200, System.nanoTime(), "id-4", null);
        } finally {
            AccessLog.writeTo(null);
        }
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("POST /c 201 \\d+\\.\\dms id=id-3 workers=-"), lines.get(0));
        assertEquals(List.of(), console);
        assertEquals("off", AccessLog.OFF.toString());
        assertEquals("console", IngressSettings.defaults("127.0.0.1", 0).accessLog().toString());
    }

    @Test
    void aWriterGetsTheLineInsteadOfTheLogger() {
        List<String> lines = new java.util.ArrayList<>();
        AccessLog.writeTo(AccessLog.Lines.of(line -> lines.add(line.toString())));
        try {
            Pipeline pipeline = new Pipeline("id-1", 1000, Duration.ofSeconds(5));
            pipeline.visit("front");
            pipeline.addTime("front", 1_000_000);
            AccessLog.CONSOLE.log("GET", "/a", 200, System.nanoTime(), "id-1", pipeline);
            AccessLog.CONSOLE.log("GET", "/b", 404, System.nanoTime(), "id-2", null);
        } finally {
            AccessLog.writeTo(null);
        }
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("GET /a 200 \\d+\\.\\dms id=id-1 workers=front:1\\.0ms"), lines.get(0));
        assertTrue(lines.get(1).matches("GET /b 404 \\d+\\.\\dms id=id-2 workers=-"), lines.get(1));
    }
}
