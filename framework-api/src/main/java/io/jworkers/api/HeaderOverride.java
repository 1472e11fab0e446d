package io.jworkers.api;

import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The values of {@link Headers} with one header replaced by a value made on first read: what a
 * callee of a binding {@code fetch} sees, the caller's headers with its own {@code traceparent},
 * without copying the caller's headers and without formatting the value for a callee that never
 * reads it. Read-only (as {@link AbstractMap} is); safe to share between threads (racing first
 * reads make equal values).
 */
final class HeaderOverride extends AbstractMap<String, List<String>> {

    private final Map<String, List<String>> base;
    private final String name;
    private final Supplier<String> value;
    private List<String> made;
    private Set<Entry<String, List<String>>> entries;

    HeaderOverride(Map<String, List<String>> base, String name, Supplier<String> value) {
        this.base = base;
        this.name = name;
        this.value = value;
    }

    private List<String> replaced() {
        List<String> list = made;
        if (list == null) {
            list = List.of(value.get());
            made = list;
        }
        return list;
    }

    @Override
    public List<String> get(Object key) {
        return name.equals(key) ? replaced() : base.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return name.equals(key) || base.containsKey(key);
    }

    @Override
    public boolean isEmpty() {
        return false;
    }

    // Iteration (names(), toBuilder(), equals): the caller's order, the replaced header where it
    // was, or last. Rare, so made once on first use.
    @Override
    public Set<Entry<String, List<String>>> entrySet() {
        Set<Entry<String, List<String>>> set = entries;
        if (set == null) {
            Map<String, List<String>> merged = new LinkedHashMap<>(base);
            merged.put(name, replaced());
            set = java.util.Collections.unmodifiableMap(merged).entrySet();
            entries = set;
        }
        return set;
    }
}
