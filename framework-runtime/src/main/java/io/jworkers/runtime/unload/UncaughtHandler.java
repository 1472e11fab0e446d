package io.jworkers.runtime.unload;

import java.util.List;

/**
 * The process's default uncaught exception handler, when a worker set it: the host's own (or
 * none) is put back, since a handler of a closed version would fail on the next uncaught
 * exception anywhere in the process.
 */
final class UncaughtHandler implements Leftover {

    @Override
    public String description() {
        return "a default uncaught exception handler";
    }

    @Override
    public List<String> removeFrom(ClassLoader loader) {
        Thread.UncaughtExceptionHandler handler = Thread.getDefaultUncaughtExceptionHandler();
        if (handler == null || !Leftover.definedBy(handler.getClass(), loader)) {
            return List.of();
        }
        Thread.setDefaultUncaughtExceptionHandler(HostJvm.hostHandler());
        return List.of("the default uncaught exception handler " + handler.getClass().getName());
    }
}
