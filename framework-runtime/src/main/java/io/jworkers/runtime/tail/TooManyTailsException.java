package io.jworkers.runtime.tail;

/** A host refuses a tail beyond its limit of concurrent tails (the admin API answers 429). */
public final class TooManyTailsException extends RuntimeException {

    TooManyTailsException(int limit) {
        super(limit + " tails already listen on this host, the most it allows; stop one (Ctrl-C in its terminal)"
                + " and try again");
    }
}
