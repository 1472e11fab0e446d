package io.jworkers.runtime.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The JVM's class-loading log of a forked host ({@code -Xlog:class+load}), for tests that show
 * what a host did or did not load, e.g. that a start made no Jackson mapper.
 *
 * @param file the log file
 */
public record ClassLoadLog(Path file) {

    /**
     * The JVM option that writes the log.
     *
     * @return {@code -Xlog:class+load=info:file=<file>}
     */
    public String option() {
        return "-Xlog:class+load=info:file=" + file;
    }

    /**
     * Whether a class has been loaded so far.
     *
     * @param className its binary name, e.g. {@code com.fasterxml.jackson.databind.ObjectMapper}
     * @return true if a line of the log names it
     */
    public boolean loaded(String className) {
        return indexOf(lines(), className) >= 0;
    }

    /**
     * What was loaded just before a class, for a failure message.
     *
     * @param className its binary name
     * @param count how many lines before it
     * @return those lines, or an empty string when it was not loaded
     */
    public String before(String className, int count) {
        List<String> lines = lines();
        int at = indexOf(lines, className);
        return at < 0 ? "" : String.join("\n", lines.subList(Math.max(0, at - count), at));
    }

    private static int indexOf(List<String> lines, String className) {
        String named = " " + className + " ";
        return IntStream.range(0, lines.size()).filter(i -> lines.get(i).contains(named)).findFirst().orElse(-1);
    }

    private List<String> lines() {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
