package io.jworkers.runtime.http;

import io.helidon.common.buffers.DataReader;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import java.io.IOException;

/**
 * Why a request body ended before its end: always the client's doing, never the worker's. The
 * ingress answers it as the client's error (408, 413, 400, or nothing for a client that is gone)
 * with one log line and no stack trace, whatever the worker made of the failed read.
 */
enum BodyFailure {

    /** The client stopped sending for the read timeout ({@link ClientTimeouts} dropped it): 408. */
    TIMED_OUT,
    /** A chunked body grew past {@code --max-body}: 413. */
    TOO_LARGE,
    /** The chunked encoding is broken (a chunk size that is not hex, a missing CRLF...): 400. */
    MALFORMED,
    /** The connection closed or failed before the body was complete: no answer, the connection is closed. */
    GONE;

    /**
     * Which failure an exception from Helidon's entity stream stands for.
     *
     * @param e what the read threw
     * @return the failure
     */
    static BodyFailure of(Throwable e) {
        if (e instanceof RequestException request) {
            return request.status().code() == Status.REQUEST_ENTITY_TOO_LARGE_413.code() ? TOO_LARGE : MALFORMED;
        }
        // A chunk size that is not hex (NumberFormatException), a chunk not followed by CRLF...
        if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof DataReader.IncorrectNewLineException) {
            return MALFORMED;
        }
        return GONE;
    }

    /**
     * The status that answers it: 408, 413, 400, or 0 for a client that is gone (no answer).
     *
     * @return the status
     */
    int status() {
        return switch (this) {
            case TIMED_OUT -> 408;
            case TOO_LARGE -> 413;
            case MALFORMED -> 400;
            case GONE -> 0;
        };
    }

    /**
     * What the worker's read throws: an {@link IOException} that says what happened.
     *
     * @param cause what Helidon threw
     * @param bytes how many body bytes had arrived
     * @return the exception
     */
    IOException toException(Throwable cause, long bytes) {
        String message = switch (this) {
            case TIMED_OUT -> "the client stopped sending the request body after " + bytes + " bytes";
            case TOO_LARGE -> "the request body is larger than the host accepts (--max-body)";
            case MALFORMED -> "the request body's chunked encoding is malformed after " + bytes + " bytes: " + detail(cause);
            case GONE -> "the client closed the connection after " + bytes + " bytes of the request body";
        };
        return new IOException(message, cause);
    }

    /**
     * What went wrong, in a few words: Helidon's messages are sometimes a bare parse error.
     *
     * @param cause what Helidon threw
     * @return the detail
     */
    static String detail(Throwable cause) {
        if (cause instanceof NumberFormatException) {
            return "a chunk size is not a hexadecimal number";
        }
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }
}
