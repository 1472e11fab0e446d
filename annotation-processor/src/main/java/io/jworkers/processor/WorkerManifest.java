package io.jworkers.processor;

import java.util.Comparator;
import java.util.List;

/**
 * The worker manifest's content ({@code META-INF/jworkers/worker.json}). Written by hand because
 * the processor runs inside the user's compiler with nothing but the API on its path.
 */
final class WorkerManifest {

    /** One concrete entrypoint class. */
    record Entry(String className, String name, List<Method> methods) {
    }

    /** One RPC method, its types as {@link TypeNames} writes them. */
    record Method(String name, List<String> parameters, String returns) {
    }

    private WorkerManifest() {
    }

    /**
     * The manifest JSON, entrypoints sorted by class name and methods by name so that a rebuild of
     * unchanged sources gives identical bytes.
     */
    static String json(List<Entry> entries) {
        StringBuilder out = new StringBuilder("{\"version\":1,\"entrypoints\":[");
        List<Entry> sorted = entries.stream().sorted(Comparator.comparing(Entry::className)).toList();
        for (int i = 0; i < sorted.size(); i++) {
            Entry entry = sorted.get(i);
            out.append(i == 0 ? "" : ",").append("{\"class\":").append(string(entry.className()))
                    .append(",\"name\":").append(string(entry.name())).append(",\"methods\":[");
            List<Method> methods = entry.methods().stream().sorted(Comparator.comparing(Method::name)).toList();
            for (int j = 0; j < methods.size(); j++) {
                Method method = methods.get(j);
                out.append(j == 0 ? "" : ",").append("{\"name\":").append(string(method.name())).append(",\"parameters\":[");
                for (int k = 0; k < method.parameters().size(); k++) {
                    out.append(k == 0 ? "" : ",").append(string(method.parameters().get(k)));
                }
                out.append("],\"returns\":").append(string(method.returns())).append('}');
            }
            out.append("]}");
        }
        return out.append("]}\n").toString();
    }

    static String string(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
