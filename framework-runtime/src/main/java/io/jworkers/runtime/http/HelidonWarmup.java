package io.jworkers.runtime.http;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;

/**
 * Builds, and throws away, a Helidon WebServer like the ingress's, on a thread of its own, while a
 * host that is starting does other work (parsing its configs, loading its workers). In a fresh
 * JVM the first server Helidon builds pays for its class initialisation and its service
 * registry's discovery, a few hundred milliseconds of one core; built ahead, the real listener
 * starts without that wait. Nothing binds: a server that is built but not started holds no port.
 */
public final class HelidonWarmup {

    private HelidonWarmup() {
    }

    /** Starts the warm-up; it ends by itself, and a failure only costs the time it would have saved. */
    public static void inBackground() {
        Thread.ofPlatform().daemon().name("jworkers-helidon-warmup").start(() -> {
            try {
                Http1Config http1 = Http1Config.builder().validateResponseHeaders(false).build();
                WebServer.builder()
                        .port(0)
                        .shutdownHook(false)
                        .addProtocol(http1)
                        .routing(routing -> routing.any((request, response) -> response.send()))
                        .build();
            } catch (RuntimeException | LinkageError e) {
                // The real listener is built the same way and reports what is wrong.
            }
        });
    }
}
