package io.jworkers.runtime.unload;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Shutdown hooks a worker added and did not remove: the JDK keeps each hook thread (and through
 * it the version's loader) until the process exits, then runs a closed version's code.
 *
 * <p>The JDK lists no hooks; they are read from {@code java.lang.ApplicationShutdownHooks},
 * which the host's jar opens ({@code Add-Opens: java.base/java.lang}). Without that, hooks are not
 * found and this kind is skipped.
 */
final class ShutdownHooks implements Leftover {

    @Override
    public String description() {
        return "shutdown hooks";
    }

    @Override
    public List<String> removeFrom(ClassLoader loader) throws ReflectiveOperationException {
        List<Thread> hooks;
        Class<?> registry = Class.forName("java.lang.ApplicationShutdownHooks");
        Field field = registry.getDeclaredField("hooks");
        field.setAccessible(true);
        synchronized (registry) {
            Map<?, ?> map = (Map<?, ?>) field.get(null);
            if (map == null) {
                return List.of(); // The process is shutting down already.
            }
            hooks = map.keySet().stream().map(Thread.class::cast).toList();
        }
        List<String> removed = new ArrayList<>();
        for (Thread hook : hooks) {
            if (Leftover.definedBy(hook.getClass(), loader) || hook.getContextClassLoader() == loader) {
                if (Runtime.getRuntime().removeShutdownHook(hook)) {
                    removed.add("a shutdown hook (thread \"" + hook.getName() + "\")");
                }
            }
        }
        return removed;
    }
}
