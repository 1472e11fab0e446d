package io.jworkers.runtime.pipeline;

import io.jworkers.api.RemoteException;
import io.jworkers.api.WorkerEntrypoint;
import java.lang.reflect.Constructor;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Translates an exception thrown by a called worker into one its caller can hold.
 *
 * <p>An exception whose whole chain (causes and suppressed) is made of JDK and API types passes
 * as is. Otherwise the chain is rebuilt: JDK and API types as the same type with the same
 * message, a worker's own types as {@link RemoteException} keeping the remote class name. Stack
 * traces are kept, so the caller sees the frames of both workers. No rebuilt exception refers to
 * a class of the callee, which would pin the callee's class loader.
 */
public final class BoundaryExceptions {

    private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();
    private static final ClassLoader API = WorkerEntrypoint.class.getClassLoader();
    private static final String API_PACKAGE = WorkerEntrypoint.class.getPackageName();

    private BoundaryExceptions() {
    }

    /**
     * Translates a throwable for the caller.
     *
     * @param thrown what the callee threw
     * @return the exception to throw in the caller (an {@link Error} is thrown from here instead;
     *     a checked exception, which only sneaky worker code can throw, is wrapped in a RemoteException)
     */
    public static RuntimeException translate(Throwable thrown) {
        Throwable shareable = isShareableChain(thrown, newSeenSet()) ? thrown : rebuild(thrown, new IdentityHashMap<>());
        if (shareable instanceof RuntimeException runtime) {
            return runtime;
        }
        if (shareable instanceof Error error) {
            throw error;
        }
        // A checked exception thrown sneakily by worker code: keep it visible, unchecked.
        return new RemoteException(shareable.getClass().getName(), shareable.getMessage(), shareable);
    }

    /**
     * Tells whether every class in the chain is visible to any worker.
     *
     * @param type an exception type
     * @return {@code true} for JDK and {@code io.jworkers.api} types
     */
    static boolean isShareable(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        return loader == null || loader == PLATFORM || (loader == API && type.getPackageName().equals(API_PACKAGE));
    }

    private static boolean isShareableChain(Throwable t, Set<Throwable> seen) {
        if (t == null || !seen.add(t)) {
            return true;
        }
        if (!isShareable(t.getClass())) {
            return false;
        }
        for (Throwable suppressed : t.getSuppressed()) {
            if (!isShareableChain(suppressed, seen)) {
                return false;
            }
        }
        return isShareableChain(t.getCause(), seen);
    }

    private static Throwable rebuild(Throwable t, IdentityHashMap<Throwable, Throwable> done) {
        Throwable existing = done.get(t);
        if (existing != null) {
            return existing;
        }
        Throwable cause = t.getCause() == null || t.getCause() == t ? null : rebuild(t.getCause(), done);
        Throwable copy = isShareable(t.getClass()) ? sameType(t, cause) : null;
        if (copy == null) {
            copy = new RemoteException(t.getClass().getName(), t.getMessage(), cause);
        }
        done.put(t, copy);
        copy.setStackTrace(t.getStackTrace());
        for (Throwable suppressed : t.getSuppressed()) {
            copy.addSuppressed(rebuild(suppressed, done));
        }
        return copy;
    }

    // Recreates a JDK or API exception by its (String, Throwable) or (String) constructor; null if it has neither.
    private static Throwable sameType(Throwable t, Throwable cause) {
        try {
            Constructor<? extends Throwable> withCause = t.getClass().getConstructor(String.class, Throwable.class);
            return withCause.newInstance(t.getMessage(), cause);
        } catch (ReflectiveOperationException | RuntimeException ignored) {
            // Fall through to the message-only constructor.
        }
        try {
            Throwable copy = t.getClass().getConstructor(String.class).newInstance(t.getMessage());
            if (cause != null) {
                copy.initCause(cause);
            }
            return copy;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Set<Throwable> newSeenSet() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }
}
