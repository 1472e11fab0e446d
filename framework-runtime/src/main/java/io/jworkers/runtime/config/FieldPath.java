package io.jworkers.runtime.config;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonStreamContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a value sits in a config file, e.g. {@code services[0].binding}.
 *
 * <p>Kept as segments rather than a string because the same path is both shown to people and
 * used to find the value's line and column in the source; a var named {@code a.b} would make a
 * string path ambiguous.
 */
final class FieldPath {

    static final FieldPath ROOT = new FieldPath(List.of());

    /** Each segment is a {@link String} (object field) or an {@link Integer} (list index). */
    private final List<Object> segments;

    private FieldPath(List<Object> segments) {
        this.segments = segments;
    }

    /**
     * The list or object a parser is in: where a syntax error sits, in the terms of the file
     * (the root for an error between top-level fields).
     */
    static FieldPath containerOf(JsonStreamContext context) {
        List<Object> segments = new ArrayList<>();
        for (JsonStreamContext c = context.getParent(); c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                segments.addFirst(c.getCurrentIndex());
            } else if (c.getCurrentName() != null) {
                segments.addFirst(c.getCurrentName());
            }
        }
        return new FieldPath(List.copyOf(segments));
    }

    FieldPath field(String name) {
        return append(name);
    }

    FieldPath index(int index) {
        return append(index);
    }

    private FieldPath append(Object segment) {
        List<Object> next = new ArrayList<>(segments);
        next.add(segment);
        return new FieldPath(List.copyOf(next));
    }

    boolean isRoot() {
        return segments.isEmpty();
    }

    /** The enclosing object or list; the root's parent is the root. */
    FieldPath parent() {
        return isRoot() ? this : new FieldPath(segments.subList(0, segments.size() - 1));
    }

    /** The last field name, or {@code null} at the root or when the path ends in an index. */
    String lastField() {
        return !isRoot() && segments.getLast() instanceof String s ? s : null;
    }

    /**
     * The path with indices blanked and an {@code env.<name>.} prefix dropped, so one table of
     * expected types serves every list entry and every environment block.
     */
    String shape() {
        List<Object> rest = segments;
        if (rest.size() >= 2 && "env".equals(rest.getFirst())) {
            rest = rest.subList(2, rest.size());
            if (rest.isEmpty()) {
                return "env.*";
            }
        }
        return render(rest, true);
    }

    JsonPointer toPointer() {
        JsonPointer pointer = JsonPointer.empty();
        for (Object segment : segments) {
            pointer = segment instanceof Integer i ? pointer.appendIndex(i) : pointer.appendProperty((String) segment);
        }
        return pointer;
    }

    @Override
    public String toString() {
        return render(segments, false);
    }

    private static String render(List<Object> segments, boolean blankIndices) {
        StringBuilder out = new StringBuilder();
        for (Object segment : segments) {
            if (segment instanceof Integer i) {
                out.append('[').append(blankIndices ? "" : i).append(']');
            } else {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(segment);
            }
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldPath other && segments.equals(other.segments);
    }

    @Override
    public int hashCode() {
        return segments.hashCode();
    }
}
