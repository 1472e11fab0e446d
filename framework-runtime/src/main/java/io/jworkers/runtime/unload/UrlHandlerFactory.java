package io.jworkers.runtime.unload;

import java.lang.reflect.Field;
import java.net.URL;
import java.net.URLStreamHandler;
import java.net.URLStreamHandlerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link URL#setURLStreamHandlerFactory URL stream handler factory} a worker set, and the
 * handlers it made that {@code URL} cached. The factory can be set once per process and never
 * unset through the JDK's API, so it is reset in {@code java.net.URL}'s fields, which the host's
 * jar opens ({@code Add-Opens: java.base/java.net}); without that it is skipped.
 */
final class UrlHandlerFactory implements Leftover {

    @Override
    public String description() {
        return "a URL stream handler factory";
    }

    @Override
    public List<String> removeFrom(ClassLoader loader) throws ReflectiveOperationException {
        List<String> removed = new ArrayList<>();
        Field factoryField = field("factory");
        Map<?, ?> handlers = (Map<?, ?>) field("handlers").get(null);
        // The lock URL.setURLStreamHandlerFactory and the handler lookup take.
        synchronized (field("streamHandlerLock").get(null)) {
            URLStreamHandlerFactory factory = (URLStreamHandlerFactory) factoryField.get(null);
            if (factory != null && Leftover.definedBy(factory.getClass(), loader)) {
                factoryField.set(null, null);
                // As setURLStreamHandlerFactory does: every cached handler came through that factory.
                handlers.clear();
                removed.add("the URL stream handler factory " + factory.getClass().getName());
            } else {
                handlers.values().removeIf(handler -> Leftover.definedBy(((URLStreamHandler) handler).getClass(), loader));
            }
        }
        return removed;
    }

    private static Field field(String name) throws NoSuchFieldException {
        Field field = URL.class.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }
}
