package io.jworkers.api;

/**
 * A value cannot cross a worker boundary over RPC (a thread, a lambda, a stream outside a
 * request or response, a cyclic graph, a copy above the size limit, ...).
 */
public class ConversionException extends WorkerException {

    /** Where in the value the conversion failed. */
    private final String path;

    /**
     * Creates the exception.
     *
     * @param message what cannot be converted and why
     * @param path where inside the value, e.g. {@code "arg0.items[2].owner"}
     */
    public ConversionException(String message, String path) {
        super(message + " (at " + path + ")");
        this.path = path;
    }

    /**
     * Where inside the value the conversion failed.
     *
     * @return the path, e.g. {@code "arg0.items[2].owner"}
     */
    public String path() {
        return path;
    }
}
