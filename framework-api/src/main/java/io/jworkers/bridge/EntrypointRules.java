package io.jworkers.bridge;

import java.util.List;
import java.util.Map;

/**
 * The rules a worker entrypoint must follow, with their messages, shared by the annotation
 * processor (compile time) and the host (load time, for classes built without the processor)
 * so that both say the same thing. Not API: worker class loaders cannot see this package.
 */
public final class EntrypointRules {

    /** Where the annotation processor writes the worker manifest, read by the host instead of scanning. */
    public static final String MANIFEST = "META-INF/jworkers/worker.json";

    /** The methods of {@code WorkerEntrypoint}: never callable over RPC, even when overridden publicly. */
    public static final List<String> LIFECYCLE_METHODS = List.of("fetch", "start", "stop", "env", "ctx");

    /**
     * Types whose values cannot cross a worker boundary over RPC, with the reason; a declared
     * parameter or return type that is one of them, or a subtype, is refused. Bodies travel
     * inside a {@code Request} or {@code Response}, which do cross.
     */
    public static final Map<String, String> NON_CROSSABLE_TYPES = ordered(
            Map.entry("java.lang.Thread", "a thread belongs to the worker that started it"),
            Map.entry("java.lang.ClassLoader", "a class loader would expose one worker's classes to another"),
            Map.entry("java.io.InputStream", "a stream is not a value; send it as a Request or Response body"),
            Map.entry("java.io.OutputStream", "a stream is not a value; send it as a Request or Response body"),
            Map.entry("java.io.Reader", "a stream is not a value; send it as a Request or Response body"),
            Map.entry("java.io.Writer", "a stream is not a value; send it as a Request or Response body"),
            Map.entry("java.nio.channels.Channel", "a channel is not a value; send its content as a Request or Response body"),
            Map.entry("java.net.Socket", "a connection is not a value"),
            Map.entry("java.net.ServerSocket", "a connection is not a value"),
            Map.entry("java.util.concurrent.Executor", "an executor runs code; pass data, not code"),
            Map.entry("java.util.concurrent.Future", "a future is not a value; return the value (or declare CompletableFuture on the caller's contract)"),
            Map.entry("java.lang.Runnable", "a lambda or function is code, not a value"),
            Map.entry("java.util.concurrent.Callable", "a lambda or function is code, not a value"),
            Map.entry("java.util.function.Function", "a lambda or function is code, not a value"),
            Map.entry("java.util.function.BiFunction", "a lambda or function is code, not a value"),
            Map.entry("java.util.function.Supplier", "a lambda or function is code, not a value"),
            Map.entry("java.util.function.Consumer", "a lambda or function is code, not a value"),
            Map.entry("java.util.function.BiConsumer", "a lambda or function is code, not a value"),
            Map.entry("java.util.function.Predicate", "a lambda or function is code, not a value"),
            Map.entry("java.util.Iterator", "an iterator is a cursor, not a value; use a List"),
            Map.entry("java.util.stream.BaseStream", "a stream is a pipeline, not a value; use a List"),
            Map.entry("java.lang.ref.Reference", "a reference is not a value"),
            Map.entry("java.lang.Process", "a process is not a value"));

    private EntrypointRules() {
    }

    // A fixed iteration order, so that a type matching two entries gets the same reason in every JVM.
    @SafeVarargs
    private static Map<String, String> ordered(Map.Entry<String, String>... entries) {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, String> entry : entries) {
            map.put(entry.getKey(), entry.getValue());
        }
        return java.util.Collections.unmodifiableMap(map);
    }

    /**
     * Tells whether a method overrides one of {@code Object}'s, which are never RPC methods even
     * when a worker overrides them publicly.
     *
     * @param name the method name
     * @param parameterTypes the erased parameter type names, e.g. {@code ["java.lang.Object"]}
     * @return {@code true} for {@code toString()}, {@code hashCode()}, {@code equals(Object)},
     *     {@code clone()} and {@code finalize()}
     */
    public static boolean overridesObjectMethod(String name, List<String> parameterTypes) {
        return switch (name) {
            case "toString", "hashCode", "clone", "finalize" -> parameterTypes.isEmpty();
            case "equals" -> parameterTypes.equals(List.of("java.lang.Object"));
            default -> false;
        };
    }

    /**
     * An entrypoint class that is not public.
     *
     * @param className the class
     * @return the message
     */
    public static String notPublic(String className) {
        return "Worker entrypoint " + className + " must be public: the host creates it from its own class loader.";
    }

    /**
     * An {@code @Entrypoint} class that is abstract.
     *
     * @param className the class
     * @return the message
     */
    public static String abstractEntrypoint(String className) {
        return "Worker entrypoint " + className + " is annotated @Entrypoint but abstract: the host creates one instance of each entrypoint.";
    }

    /**
     * An entrypoint without a public no-argument constructor.
     *
     * @param className the class
     * @return the message
     */
    public static String noPublicNoArgConstructor(String className) {
        return "Worker entrypoint " + className + " needs a public no-argument constructor: the host creates the entrypoint.";
    }

    /**
     * Several public methods share one name.
     *
     * @param className the class
     * @param method the shared name
     * @param count how many public methods have it
     * @return the message
     */
    public static String duplicateMethodName(String className, String method, int count) {
        return "Worker entrypoint " + className + " has " + count + " public methods named \"" + method
                + "\": RPC calls methods by name, so give each public method its own name.";
    }

    /**
     * A public {@code fetch} whose signature is not {@code Response fetch(Request, Env)}.
     *
     * @param className the class
     * @param signature the signature found, e.g. {@code fetch(java.lang.String)}
     * @return the message
     */
    public static String fetchSignature(String className, String signature) {
        return "Worker entrypoint " + className + " declares " + signature
                + ": fetch is reserved for HTTP and must be public Response fetch(Request request, Env env); give the RPC method another name.";
    }

    /**
     * A parameter or return type that cannot cross a worker boundary.
     *
     * @param className the class
     * @param method the RPC method
     * @param position "parameter 1", "the return value", ...
     * @param type the offending type as written
     * @param reason why it cannot cross
     * @return the message
     */
    public static String cannotCross(String className, String method, String position, String type, String reason) {
        return "RPC method " + className + "." + method + ": " + position + " has type " + type
                + ", which cannot cross a worker boundary (" + reason + ").";
    }

    /**
     * Two entrypoints of one worker module share a name.
     *
     * @param name the name
     * @param first one class
     * @param second the other
     * @return the message
     */
    public static String duplicateEntrypointName(String name, String first, String second) {
        return "Worker entrypoints " + first + " and " + second + " are both named \"" + name
                + "\": give one of them another @Entrypoint(\"...\") name.";
    }
}
