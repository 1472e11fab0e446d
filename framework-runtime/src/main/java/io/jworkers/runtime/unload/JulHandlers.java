package io.jworkers.runtime.unload;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * {@code java.util.logging} handlers and filters a worker added to the process's loggers, such
 * as jul-to-slf4j's {@code SLF4JBridgeHandler} on the root logger. Left in place, every JUL call
 * of the process would run a closed version's code and fail once its classes are gone.
 */
final class JulHandlers implements Leftover {

    @Override
    public String description() {
        return "java.util.logging handlers";
    }

    @Override
    public List<String> removeFrom(ClassLoader loader) {
        List<String> removed = new ArrayList<>();
        LogManager manager = LogManager.getLogManager();
        for (String name : Collections.list(manager.getLoggerNames())) {
            Logger logger = manager.getLogger(name);
            if (logger == null) {
                continue;
            }
            String where = name.isEmpty() ? "on the root logger" : "on logger \"" + name + "\"";
            for (Handler handler : logger.getHandlers()) {
                if (belongs(handler, loader)) {
                    logger.removeHandler(handler);
                    closeQuietly(handler);
                    removed.add("a java.util.logging handler " + handler.getClass().getName() + " " + where);
                }
            }
            if (logger.getFilter() != null && Leftover.definedBy(logger.getFilter().getClass(), loader)) {
                removed.add("a java.util.logging filter " + logger.getFilter().getClass().getName() + " " + where);
                logger.setFilter(null);
            }
        }
        return removed;
    }

    // A JDK handler (a FileHandler, say) whose formatter or filter is the worker's is the worker's too.
    private static boolean belongs(Handler handler, ClassLoader loader) {
        return Leftover.definedBy(handler.getClass(), loader)
                || handler.getFormatter() != null && Leftover.definedBy(handler.getFormatter().getClass(), loader)
                || handler.getFilter() != null && Leftover.definedBy(handler.getFilter().getClass(), loader);
    }

    private static void closeQuietly(Handler handler) {
        try {
            handler.close();
        } catch (RuntimeException | LinkageError ignored) {
            // Its classes may be half gone already; what matters is that the logger no longer calls it.
        }
    }
}
