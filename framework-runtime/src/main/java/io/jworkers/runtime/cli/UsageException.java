package io.jworkers.runtime.cli;

/** The command line is wrong; the message says how. The CLI prints it with the usage, exit 2. */
final class UsageException extends RuntimeException {

    UsageException(String message) {
        super(message);
    }
}
