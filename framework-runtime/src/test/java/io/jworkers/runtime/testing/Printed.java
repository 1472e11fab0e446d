package io.jworkers.runtime.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a host printed to the stream a test gave it (the {@code out} of dev, its builds and reloads). */
public final class Printed {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    /** @return the stream to hand to the host */
    public PrintStream stream() {
        return stream;
    }

    /** @return everything printed so far */
    public String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * How often a text was printed.
     *
     * @param text the text
     * @return the number of occurrences
     */
    public int count(String text) {
        Matcher matcher = Pattern.compile(Pattern.quote(text)).matcher(text());
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }
}
