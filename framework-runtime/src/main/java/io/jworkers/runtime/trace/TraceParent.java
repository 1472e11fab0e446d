package io.jworkers.runtime.trace;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * W3C trace context ({@code traceparent}, version 00): parsing an incoming header and writing
 * {@code 00-<trace id>-<span id>-<flags>} for a hop, with ids held as longs (a trace id as two),
 * so that a hop's id costs no string until someone reads it.
 */
public final class TraceParent {

    /** The header's name. */
    public static final String HEADER = "traceparent";
    /** The flags of a trace whose spans are recorded (exported). */
    public static final int SAMPLED = 1;

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);

    /**
     * An incoming trace: its trace id, the caller's span id and the flags.
     *
     * @param traceHigh the trace id's first 64 bits
     * @param traceLow the trace id's last 64 bits
     * @param parentSpanId the caller's span id
     * @param flags the trace flags
     */
    public record Incoming(long traceHigh, long traceLow, long parentSpanId, int flags) {
    }

    private TraceParent() {
    }

    /**
     * Reads a {@code traceparent} header as W3C Trace Context level 1 says: version 00 has exactly
     * four fields; a later version may add fields after a dash; version ff, an all-zero trace or
     * span id, upper-case hex or a wrong length makes the header invalid.
     *
     * @param header the header value, or {@code null}
     * @return the trace, or {@code null} when absent or invalid (the request starts a new trace)
     */
    public static Incoming parse(String header) {
        if (header == null) {
            return null;
        }
        String text = header.strip();
        if (text.length() < 55 || text.charAt(2) != '-' || text.charAt(35) != '-' || text.charAt(52) != '-') {
            return null;
        }
        int version = hex(text, 0, 2);
        if (version < 0 || version == 0xff || (version == 0 && text.length() != 55)
                || (text.length() > 55 && text.charAt(55) != '-')) {
            return null;
        }
        long high = hexLong(text, 3);
        long low = hexLong(text, 19);
        long parent = hexLong(text, 36);
        int flags = hex(text, 53, 2);
        if (!valid(text, 3, 32) || !valid(text, 36, 16) || flags < 0 || (high == 0 && low == 0) || parent == 0) {
            return null;
        }
        return new Incoming(high, low, parent, flags);
    }

    /**
     * Writes the header of a hop.
     *
     * @param traceHigh the trace id's first 64 bits
     * @param traceLow the trace id's last 64 bits
     * @param spanId the hop's span id
     * @param flags the trace flags
     * @return {@code 00-<32 hex>-<16 hex>-<2 hex>}
     */
    public static String format(long traceHigh, long traceLow, long spanId, int flags) {
        byte[] text = new byte[55];
        text[0] = '0';
        text[1] = '0';
        text[2] = '-';
        hex(traceHigh, text, 3);
        hex(traceLow, text, 19);
        text[35] = '-';
        hex(spanId, text, 36);
        text[52] = '-';
        text[53] = HEX[(flags >> 4) & 0xf];
        text[54] = HEX[flags & 0xf];
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    /**
     * A trace id as 32 lower-case hex digits.
     *
     * @param high the first 64 bits
     * @param low the last 64 bits
     * @return the text
     */
    public static String traceId(long high, long low) {
        byte[] text = new byte[32];
        hex(high, text, 0);
        hex(low, text, 16);
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    /**
     * A span id as 16 lower-case hex digits.
     *
     * @param id the id
     * @return the text
     */
    public static String spanId(long id) {
        byte[] text = new byte[16];
        hex(id, text, 0);
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    /**
     * A new random id, never 0 (0 means "none" here and is invalid in W3C).
     *
     * @return the id
     */
    public static long newId() {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        return id;
    }

    /**
     * Reads 32 hex digits as a trace id's two halves, for a request id that is already one.
     *
     * @param text the text
     * @return {high, low}, or {@code null} when {@code text} is not 32 lower-case hex digits or all zeros
     */
    public static long[] traceIdOf(String text) {
        if (text == null || text.length() != 32) {
            return null;
        }
        // One pass (every request's id goes through here): each half read and checked at once.
        long high = 0;
        long low = 0;
        for (int i = 0; i < 32; i++) {
            int digit = digit(text.charAt(i));
            if (digit < 0) {
                return null;
            }
            if (i < 16) {
                high = high << 4 | digit;
            } else {
                low = low << 4 | digit;
            }
        }
        return high == 0 && low == 0 ? null : new long[] {high, low};
    }

    private static void hex(long value, byte[] into, int at) {
        for (int i = at + 15; i >= at; i--) {
            into[i] = HEX[(int) value & 0xf];
            value >>>= 4;
        }
    }

    private static boolean valid(String text, int from, int length) {
        for (int i = from; i < from + length; i++) {
            if (digit(text.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    private static long hexLong(String text, int from) {
        long value = 0;
        for (int i = from; i < from + 16; i++) {
            value = (value << 4) | Math.max(digit(text.charAt(i)), 0);
        }
        return value;
    }

    private static int hex(String text, int from, int length) {
        int value = 0;
        for (int i = from; i < from + length; i++) {
            int digit = digit(text.charAt(i));
            if (digit < 0) {
                return -1;
            }
            value = (value << 4) | digit;
        }
        return value;
    }

    // Lower-case only: W3C forbids upper-case hex in traceparent.
    private static int digit(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    }
}
