package io.jworkers.runtime.config;

/**
 * A worker's configuration (or its {@code .dev.vars}, or the dev workspace file) cannot be used.
 *
 * <p>Unchecked because nothing can recover from bad config except the person editing it: the
 * message is the whole user interface, so it always names the file, the field path and/or
 * {@code line:col}, and says what to change. Callers print it as-is, without a stack trace.
 */
public final class ConfigException extends RuntimeException {

    /**
     * Creates the exception.
     *
     * @param message what is wrong, where, and what to do
     */
    public ConfigException(String message) {
        super(message);
    }

    /**
     * Creates the exception, keeping the low-level failure for debugging.
     *
     * @param message what is wrong, where, and what to do
     * @param cause the underlying failure (an I/O or parser error)
     */
    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
