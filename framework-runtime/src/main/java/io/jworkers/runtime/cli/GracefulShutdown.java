package io.jworkers.runtime.cli;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a graceful stop once, on SIGTERM or SIGINT (Ctrl-C), so the command can finish its work
 * and exit 0; and from a shutdown hook for any other way the JVM ends; and when the command
 * itself decides to stop (a listener that failed).
 */
final class GracefulShutdown {

    private GracefulShutdown() {
    }

    /**
     * Registers the stop.
     *
     * @param stop the graceful stop
     * @return runs the stop now, unless it ran already
     */
    static Runnable onSignals(Runnable stop) {
        AtomicBoolean done = new AtomicBoolean();
        Runnable once = () -> {
            if (done.compareAndSet(false, true)) {
                stop.run();
            }
        };
        for (String signal : new String[] {"TERM", "INT"}) {
            try {
                // sun.misc.Signal is the JDK's supported way (module jdk.unsupported) to handle a signal without exiting.
                sun.misc.Signal.handle(new sun.misc.Signal(signal), caught -> Thread.ofPlatform().name("jworkers-stop").start(once));
            } catch (IllegalArgumentException | UnsupportedOperationException unavailable) {
                // Not on this platform: the shutdown hook below still stops gracefully.
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(once, "jworkers-shutdown"));
        return once;
    }
}
