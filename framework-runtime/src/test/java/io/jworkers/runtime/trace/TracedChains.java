package io.jworkers.runtime.trace;

import static io.jworkers.runtime.testing.WorkerDirs.json;

import io.jworkers.runtime.dev.DevServer;
import io.jworkers.runtime.http.IngressSettings;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.WorkerDirs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Chains of the {@code traced} fixture for the trace tests, each hop a worker of its own. */
final class TracedChains {

    /** How t1 reaches t2, t2 reaches t3, ...: every kind of binding call once. */
    static final List<String> MODES = List.of("fetch", "rpc", "call", "async", "rpcasync");

    private TracedChains() {
    }

    /** t1 → t2 → … → t6, reached by {@link #MODES}; with {@code failLast}, t6 throws. */
    static DevServer start(Path dir, String prefix, boolean failLast, SpanSink spans) {
        Path classes = Fixtures.classes("traced");
        List<Path> configs = new ArrayList<>();
        int hops = MODES.size() + 1;
        for (int i = 1; i <= hops; i++) {
            String name = prefix + i;
            String services = i < hops ? ", \"services\": [{ \"binding\": \"NEXT\", \"service\": \"" + prefix + (i + 1) + "\" }]" : "";
            String mode = i < hops ? ", \"MODE\": \"" + MODES.get(i - 1) + "\"" : "";
            String fail = i == hops && failLast ? ", \"FAIL\": \"yes\"" : "";
            configs.add(WorkerDirs.config(dir, name, """
                    { "name": "%s", "main": "io.fixture.traced.TracedWorker", "classpath": [%s],
                      "vars": { "NAME": "%s"%s%s }%s }
                    """.formatted(name, json(classes), name, mode, fail, services)));
        }
        return DevServer.start(configs, null, IngressSettings.defaults("127.0.0.1", 0), System.out, spans);
    }

    /** One line of the fixture's answer: the worker, its ctx().traceparent() and the traceparent header it got. */
    record Hop(String worker, String traceparent, String header) {
        String traceId() {
            return traceparent.split("-")[1];
        }

        String spanId() {
            return traceparent.split("-")[2];
        }

        String flags() {
            return traceparent.split("-")[3];
        }
    }

    static List<Hop> hops(String body) {
        return Arrays.stream(body.split("\n")).filter(line -> !line.equals("NEXT failed")).map(line -> {
            String[] parts = line.split(" ");
            return new Hop(parts[0], parts[1].substring("ctx=".length()), parts[2].substring("header=".length()));
        }).toList();
    }
}
