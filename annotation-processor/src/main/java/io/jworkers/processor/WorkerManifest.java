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

    /**
     * What the worker's code calls over one binding: the contract interfaces it asks for and the
     * methods it calls by name.
     */
    record Use(String binding, List<Contract> contracts, List<Call> calls) {
    }

    /** A contract interface the worker asks a binding for, with every method its stub forwards. */
    record Contract(String className, List<Method> methods) {
    }

    /** A dynamic call ({@code Service.call("name", args...)}): its name and argument count, shapes unknown. */
    record Call(String name, int arity) {
    }

    // A contract may overload a name (the stub forwards each overload, the target has one), so
    // name alone would leave the order to the compiler.
    private static final Comparator<Method> METHOD_ORDER = Comparator.comparing(Method::name)
            .thenComparingInt(method -> method.parameters().size())
            .thenComparing(method -> String.join(",", method.parameters()));

    private WorkerManifest() {
    }

    /**
     * The manifest JSON, entrypoints sorted by class name and methods by name so that a rebuild of
     * unchanged sources gives identical bytes.
     */
    static String json(List<Entry> entries) {
        return json(entries, null);
    }

    /**
     * The manifest JSON with the RPC uses of the worker's code, or without a {@code "uses"} member
     * when {@code uses} is {@code null} (the compiler could not show the processor the code, and the
     * host must read the class files instead). Everything is sorted, as for {@link #json(List)}.
     */
    static String json(List<Entry> entries, List<Use> uses) {
        StringBuilder out = new StringBuilder("{\"version\":1,\"entrypoints\":[");
        List<Entry> sorted = entries.stream().sorted(Comparator.comparing(Entry::className)).toList();
        for (int i = 0; i < sorted.size(); i++) {
            Entry entry = sorted.get(i);
            out.append(i == 0 ? "" : ",").append("{\"class\":").append(string(entry.className()))
                    .append(",\"name\":").append(string(entry.name())).append(",\"methods\":[");
            List<Method> methods = entry.methods().stream().sorted(Comparator.comparing(Method::name)).toList();
            for (int j = 0; j < methods.size(); j++) {
                Method method = methods.get(j);
                out.append(j == 0 ? "" : ",");
                method(out, methods.get(j));
            }
            out.append("]}");
        }
        out.append(']');
        if (uses != null) {
            out.append(",\"uses\":[");
            List<Use> sortedUses = uses.stream().sorted(Comparator.comparing(Use::binding)).toList();
            for (int i = 0; i < sortedUses.size(); i++) {
                use(out.append(i == 0 ? "" : ","), sortedUses.get(i));
            }
            out.append(']');
        }
        return out.append("}\n").toString();
    }

    private static void use(StringBuilder out, Use use) {
        out.append("{\"binding\":").append(string(use.binding())).append(",\"contracts\":[");
        List<Contract> contracts = use.contracts().stream().sorted(Comparator.comparing(Contract::className)).toList();
        for (int i = 0; i < contracts.size(); i++) {
            Contract contract = contracts.get(i);
            out.append(i == 0 ? "" : ",").append("{\"class\":").append(string(contract.className())).append(",\"methods\":[");
            List<Method> methods = contract.methods().stream().sorted(METHOD_ORDER).toList();
            for (int j = 0; j < methods.size(); j++) {
                method(out.append(j == 0 ? "" : ","), methods.get(j));
            }
            out.append("]}");
        }
        out.append("],\"calls\":[");
        List<Call> calls = use.calls().stream().sorted(Comparator.comparing(Call::name).thenComparingInt(Call::arity)).toList();
        for (int i = 0; i < calls.size(); i++) {
            Call call = calls.get(i);
            out.append(i == 0 ? "" : ",").append("{\"name\":").append(string(call.name()))
                    .append(",\"arity\":").append(call.arity()).append('}');
        }
        out.append("]}");
    }

    private static void method(StringBuilder out, Method method) {
        out.append("{\"name\":").append(string(method.name())).append(",\"parameters\":[");
        for (int k = 0; k < method.parameters().size(); k++) {
            out.append(k == 0 ? "" : ",").append(string(method.parameters().get(k)));
        }
        out.append("],\"returns\":").append(string(method.returns())).append('}');
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
