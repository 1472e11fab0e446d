package io.jworkers.runtime.serve;

/**
 * Text from a client (a deploy message) that ends up in log lines and listings: it must stay
 * on one line, so that nobody can forge a log line or move a terminal's cursor with it.
 */
final class LogText {

    /** The longest version message kept; Git's one-line summaries are far shorter. */
    static final int MAX_MESSAGE_CHARS = 1000;

    private LogText() {
    }

    /**
     * The text with every control character (line breaks, tabs, escape sequences, Unicode line
     * and paragraph separators) replaced by a space, runs of spaces collapsed, and trimmed.
     *
     * @param text the text, possibly {@code null}
     * @return the one-line text, {@code null} for {@code null}
     */
    static String oneLine(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder line = new StringBuilder(text.length());
        boolean space = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean blank = Character.isWhitespace(c) || Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
                    || Character.getType(c) == Character.FORMAT;
            if (blank) {
                space = line.length() > 0;
            } else {
                if (space) {
                    line.append(' ');
                    space = false;
                }
                line.append(c);
            }
        }
        return line.toString();
    }

    /**
     * A version message as stored: one line, at most {@link #MAX_MESSAGE_CHARS}, {@code null} when empty.
     *
     * @param message the message from the client
     * @return the message to store
     * @throws DeployRejectedException (400) if it is longer than allowed
     */
    static String message(String message) {
        String line = oneLine(message);
        if (line == null || line.isEmpty()) {
            return null;
        }
        if (line.length() > MAX_MESSAGE_CHARS) {
            throw new DeployRejectedException(400, "The message is " + line.length() + " characters; a version message may"
                    + " have at most " + MAX_MESSAGE_CHARS + ". Shorten it.");
        }
        return line;
    }
}
