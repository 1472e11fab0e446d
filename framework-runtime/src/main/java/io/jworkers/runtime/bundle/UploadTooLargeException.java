package io.jworkers.runtime.bundle;

/**
 * An upload over {@link BundleLimits#maxUploadBytes()}: the admin API answers 413 and closes the
 * connection, whether the body announced its length or came chunked.
 */
public final class UploadTooLargeException extends RuntimeException {

    /**
     * Creates the exception.
     *
     * @param maxBytes the limit it went over
     */
    public UploadTooLargeException(long maxBytes) {
        super("The upload is larger than " + BundleLimits.describe(maxBytes) + ", the largest bundle this host accepts."
                + " Make the worker smaller: jworkers deploy packs every folder and jar its classpath lists, so drop what"
                + " the worker does not need.");
    }
}
