package io.jworkers.runtime.bundle;

/**
 * A bundle that is refused: not a zip jworkers reads, an entry that is not a plain file or folder
 * inside the bundle, a classpath that leaves the bundle, or over a {@link BundleLimits limit}. The
 * message names the entry and the reason, and says what to do; nothing of the bundle was kept.
 */
public final class BundleException extends RuntimeException {

    private static final String PREFIX = "The bundle is refused: ";
    private static final String REBUILD = ". Rebuild it with jworkers deploy.";

    private BundleException(String message) {
        super(message);
    }

    /**
     * The zip as a whole cannot be read as one consistent bundle.
     *
     * @param reason what is wrong, e.g. {@code it is not a zip file}
     * @return the exception
     */
    static BundleException unreadable(String reason) {
        return new BundleException(PREFIX + reason + REBUILD);
    }

    /**
     * One entry is wrong.
     *
     * @param name the entry's name as the zip spells it
     * @param reason what is wrong with it, e.g. {@code appears twice}
     * @return the exception
     */
    static BundleException entry(String name, String reason) {
        return new BundleException(PREFIX + "entry " + quote(name) + " " + reason + REBUILD);
    }

    /**
     * The bundle is over a limit.
     *
     * @param reason which limit, and by how much
     * @return the exception
     */
    static BundleException tooLarge(String reason) {
        return new BundleException(PREFIX + reason + ". Make the worker smaller: jworkers deploy packs every folder"
                + " and jar its classpath lists, so drop what the worker does not need.");
    }

    /**
     * The config points outside the bundle.
     *
     * @param entry the classpath entry as worker.json spells it
     * @param reason where it points
     * @return the exception
     */
    static BundleException classpath(String entry, String reason) {
        return new BundleException(PREFIX + "its " + WorkerBundle.CONFIG + " lists classpath entry " + quote(entry) + ", "
                + reason + "; a bundle's classpath names its own folders and jars (classpath/N)" + REBUILD);
    }

    // Names come from the zip: show control characters instead of printing them.
    static String quote(String name) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : name.toCharArray()) {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
