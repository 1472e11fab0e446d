package io.jworkers.runtime.http;

import java.lang.System.Logger.Level;

/**
 * One line per public request: method, path, status, time, request id and the workers the
 * request passed through with the time spent in each (fetch hops; RPC hops are listed untimed).
 * Query strings are left out: they often carry tokens.
 */
final class AccessLog {

    private static final System.Logger LOG = System.getLogger("jworkers.ingress");

    private AccessLog() {
    }

    static void log(String method, String path, int status, long startNanos, String requestId, String workers) {
        if (!LOG.isLoggable(Level.INFO)) {
            return;
        }
        double millis = (System.nanoTime() - startNanos) / 1_000_000.0;
        LOG.log(Level.INFO, String.format("%s %s %d %.1fms id=%s workers=%s", method, path, status, millis,
                requestId, workers));
    }
}
