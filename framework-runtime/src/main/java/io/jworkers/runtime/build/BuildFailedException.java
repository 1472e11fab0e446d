package io.jworkers.runtime.build;

import java.util.List;

/**
 * A worker's build command failed (or could not start). The message is the whole user interface:
 * which worker, the command, its exit code and folder, and the last lines it printed.
 */
public final class BuildFailedException extends RuntimeException {

    private final String summary;
    private final List<String> lastLines;

    BuildFailedException(String summary, List<String> lastLines, Throwable cause) {
        super(summary + (lastLines.isEmpty() ? "" : "; its last lines:\n  " + String.join("\n  ", lastLines)), cause);
        this.summary = summary;
        this.lastLines = List.copyOf(lastLines);
    }

    /**
     * The first line of the message: the worker, the exit code, the command and its folder.
     *
     * @return the summary, without the command's output
     */
    public String summary() {
        return summary;
    }

    /**
     * The last lines the command printed, oldest first.
     *
     * @return the lines, possibly none
     */
    public List<String> lastLines() {
        return lastLines;
    }
}
