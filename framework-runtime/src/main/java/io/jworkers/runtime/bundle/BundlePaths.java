package io.jworkers.runtime.bundle;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The paths a bundle's entries unpack to, checked as they are added: each one plain and relative
 * (no absolute names, {@code ..}, {@code .}, empty segments, backslashes or control characters), and
 * each one once (no duplicates, no file that is also a folder). An entry name is refused rather
 * than normalised, so every path has exactly one spelling and names equal after normalisation
 * cannot both appear.
 */
final class BundlePaths {

    /** The longest file or folder name Linux, macOS and Windows all accept, in UTF-8 bytes. */
    static final int MAX_SEGMENT_BYTES = 255;

    private enum Kind { FILE, FOLDER, IMPLIED_FOLDER }

    private final Map<String, Kind> kinds = new HashMap<>();

    /**
     * Adds an entry.
     *
     * @param name the entry's name as the zip spells it; a folder's ends with {@code /}
     * @return the path it unpacks to, relative, {@code /}-separated, without a trailing {@code /}
     * @throws BundleException if the name is not a plain relative path or the path is taken
     */
    String add(String name) {
        boolean folder = name.endsWith("/");
        String path = folder ? name.substring(0, name.length() - 1) : name;
        check(name, path);
        Kind before = kinds.get(path);
        if (before == Kind.FILE && !folder || before == Kind.FOLDER && folder) {
            throw BundleException.entry(name, "appears twice");
        }
        if (before == Kind.FILE || before != null && !folder) {
            throw BundleException.entry(name, "is both a file and a folder");
        }
        for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
            String parent = path.substring(0, slash);
            if (kinds.get(parent) == Kind.FILE) {
                throw BundleException.entry(name, "is inside " + BundleException.quote(parent) + ", which is a file");
            }
            kinds.putIfAbsent(parent, Kind.IMPLIED_FOLDER);
        }
        kinds.put(path, folder ? Kind.FOLDER : Kind.FILE);
        return path;
    }

    /**
     * Whether a path was added as a file.
     *
     * @param path the path
     * @return whether it is a file of the bundle
     */
    boolean isFile(String path) {
        return kinds.get(path) == Kind.FILE;
    }

    /**
     * Every folder of the bundle, listed or implied by the files in it.
     *
     * @return the folders' paths, in no order
     */
    List<String> folders() {
        return kinds.entrySet().stream().filter(e -> e.getValue() != Kind.FILE).map(Map.Entry::getKey).toList();
    }

    private static void check(String name, String path) {
        if (name.isEmpty()) {
            throw BundleException.entry(name, "has an empty name");
        }
        for (char c : name.toCharArray()) {
            if (c < 0x20 || c == 0x7f) {
                throw BundleException.entry(name, "has a control character (such as NUL) in its name");
            }
            if (c == '\\') {
                throw BundleException.entry(name, "has a backslash in its name; zip entry names separate folders with /");
            }
        }
        if (name.startsWith("/")) {
            throw BundleException.entry(name, "is an absolute path; a bundle's entries are relative to the bundle");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..")) {
                throw BundleException.entry(name, "has a \"..\" segment, which would unpack outside the bundle");
            }
            if (segment.isEmpty() || segment.equals(".")) {
                throw BundleException.entry(name, "is not a plain path (it has an empty or \".\" segment)");
            }
            if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                throw BundleException.entry(name, "has a file or folder name longer than " + MAX_SEGMENT_BYTES + " bytes");
            }
        }
    }
}
