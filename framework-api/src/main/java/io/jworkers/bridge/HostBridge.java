package io.jworkers.bridge;

import io.jworkers.api.Env;
import io.jworkers.api.ExecutionContext;
import io.jworkers.api.Headers;
import io.jworkers.api.Request;
import io.jworkers.api.WorkerEntrypoint;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * The host's private access to API objects. Not API: this package is not exported by the
 * module and worker class loaders cannot load it; only the host calls it.
 */
public final class HostBridge {

    /** Reaches the protected lifecycle methods of {@link WorkerEntrypoint}. */
    public interface Lifecycle {
        /**
         * Runs {@code worker.start()}.
         *
         * @param worker the worker
         */
        void start(WorkerEntrypoint worker);

        /**
         * Runs {@code worker.stop()}.
         *
         * @param worker the worker
         */
        void stop(WorkerEntrypoint worker);
    }

    /**
     * Makes requests and headers from what the host's HTTP server has already parsed, without the
     * public builders' copies and checks. Every argument must already satisfy what the public API
     * would check; nothing is copied.
     */
    public interface Messages {
        /**
         * A request whose URL is parsed only when {@link Request#url()} is first called.
         *
         * @param method the HTTP method (normalized as {@link Request#builder(String, String)} does)
         * @param url an absolute URL that {@link java.net.URI#create(String)} is known to accept
         * @param path the decoded path of {@code url} ({@link Request#path()}), or {@code null} to take it from the URL
         * @param headers the headers
         * @param body the body stream, or {@code null} for none
         * @return the request
         */
        Request request(String method, String url, String path, Headers headers, InputStream body);

        /**
         * Headers over a map, not copied.
         *
         * @param values lower-case names (HTTP tokens) to unmodifiable lists of values (no CR, LF or
         *     NUL), in their order; the map must not change afterwards
         * @return the headers
         */
        Headers headers(Map<String, List<String>> values);

        /**
         * The same request (method, URL, and the same body, not a copy: reading one consumes
         * both) with one header replaced, its value made only when first read.
         *
         * @param request the request
         * @param name a lower-case header name
         * @param value makes the value (a valid header value), at most once per reader race
         * @return the request
         */
        Request withHeader(Request request, String name, java.util.function.Supplier<String> value);
    }

    private static final ThreadLocal<ThreadCalls> CALLS = new ThreadLocal<>();
    private static final ThreadLocal<Env> CONSTRUCTION_ENV = new ThreadLocal<>();
    private static volatile Lifecycle lifecycle;
    private static volatile Messages messages;

    private HostBridge() {
    }

    /**
     * Registered once by {@link WorkerEntrypoint}'s static initializer.
     *
     * @param value the lifecycle accessor
     */
    public static void setLifecycle(Lifecycle value) {
        lifecycle = value;
    }

    /**
     * Registered once by {@link Request}'s static initializer.
     *
     * @param value the factory
     */
    public static void setMessages(Messages value) {
        messages = value;
    }

    /**
     * The host's factory of requests and headers.
     *
     * @return the factory
     */
    public static Messages messages() {
        Messages value = messages;
        if (value == null) {
            try {
                Class.forName(Request.class.getName(), true, Request.class.getClassLoader());
            } catch (ClassNotFoundException impossible) {
                throw new IllegalStateException(impossible);
            }
            value = messages;
        }
        return value;
    }

    /**
     * Calls the worker's {@code start()}.
     *
     * @param worker the worker
     */
    public static void start(WorkerEntrypoint worker) {
        lifecycle.start(worker);
    }

    /**
     * Calls the worker's {@code stop()}.
     *
     * @param worker the worker
     */
    public static void stop(WorkerEntrypoint worker) {
        lifecycle.stop(worker);
    }

    /**
     * Makes {@code env} the environment of the next {@link WorkerEntrypoint} constructed on this
     * thread; the constructor takes it.
     *
     * @param env the environment
     */
    public static void offerConstructionEnv(Env env) {
        CONSTRUCTION_ENV.set(env);
    }

    /**
     * Takes (and clears) the environment offered to this thread.
     *
     * @return the environment, or {@code null} when none was offered
     */
    public static Env takeConstructionEnv() {
        Env env = CONSTRUCTION_ENV.get();
        if (env != null) {
            CONSTRUCTION_ENV.remove();
        }
        return env;
    }

    /**
     * The host's record of the calls running on one thread. The host keeps it mutable and
     * builds the {@link ExecutionContext} of the innermost call only when someone asks for it,
     * so that a binding call costs no allocation.
     */
    public abstract static class ThreadCalls {

        /** For the host's subclass. */
        protected ThreadCalls() {
        }

        /**
         * The context of the innermost call running on the thread.
         *
         * @return the context, or {@code null} when no call runs
         */
        protected abstract ExecutionContext context();
    }

    /**
     * The calls running on this thread.
     *
     * @return the host's record, or {@code null} outside any call
     */
    public static ThreadCalls calls() {
        return CALLS.get();
    }

    /**
     * Sets (or, with {@code null}, clears) the calls running on this thread.
     *
     * @param calls the host's record, or {@code null} once the thread's outermost call has ended
     */
    public static void calls(ThreadCalls calls) {
        if (calls == null) {
            CALLS.remove();
        } else {
            CALLS.set(calls);
        }
    }

    /**
     * The context of the call running on this thread.
     *
     * @return the context, or {@code null} outside a call
     */
    public static ExecutionContext current() {
        ThreadCalls calls = CALLS.get();
        return calls == null ? null : calls.context();
    }
}
