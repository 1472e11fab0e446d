package io.jworkers.runtime.cli;

import io.jworkers.runtime.config.Spelling;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The options of one command, parsed against the options it declares: {@code -c X},
 * {@code --config X} and {@code --config=X} forms; an undeclared option or a missing value is a
 * {@link UsageException} that names it.
 */
final class CommandLine {

    /** An option a command accepts: with a value, or a flag when {@code valueName} is null. */
    record Option(String longName, String shortName, String valueName, String description) {

        /** A yes/no option that takes no value ({@code --take-routes}). */
        static Option flag(String longName, String description) {
            return new Option(longName, null, null, description);
        }
    }

    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    private CommandLine() {
    }

    static CommandLine parse(String command, List<Option> options, List<String> args) {
        CommandLine line = new CommandLine();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("-") || arg.equals("-")) {
                line.positional.add(arg);
                continue;
            }
            String name = arg;
            String value = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                name = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            }
            Option option = find(options, name);
            if (option == null) {
                throw new UsageException("jworkers " + command + ": unknown option " + name + Spelling.hint(name,
                        options.stream().flatMap(o -> java.util.stream.Stream.of(o.longName(), o.shortName()))
                                .filter(java.util.Objects::nonNull).toList()));
            }
            if (option.valueName() == null) {
                if (value != null) {
                    throw new UsageException("jworkers " + command + ": option " + name + " takes no value");
                }
                value = "true";
            } else if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new UsageException("jworkers " + command + ": option " + name + " needs a value ("
                            + option.valueName() + ")");
                }
                value = args.get(++i);
            }
            line.values.computeIfAbsent(option.longName(), k -> new ArrayList<>()).add(value);
        }
        return line;
    }

    List<String> all(String longName) {
        return values.getOrDefault(longName, List.of());
    }

    Optional<String> last(String longName) {
        List<String> list = all(longName);
        return list.isEmpty() ? Optional.empty() : Optional.of(list.get(list.size() - 1));
    }

    int intValue(String command, String longName, int defaultValue, int min, int max) {
        Optional<String> text = last(longName);
        if (text.isEmpty()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(text.get());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // Reported below with the valid range.
        }
        throw new UsageException("jworkers " + command + ": " + longName + " must be a number from " + min + " to "
                + max + ", got \"" + text.get() + "\"");
    }

    boolean has(String longName) {
        return values.containsKey(longName);
    }

    List<String> positional() {
        return positional;
    }

    static String describe(List<Option> options) {
        StringBuilder text = new StringBuilder();
        for (Option option : options) {
            String names = (option.shortName() == null ? "    " : option.shortName() + ", ") + option.longName()
                    + (option.valueName() == null ? "" : " " + option.valueName());
            text.append(String.format("  %-28s %s%n", names, option.description()));
        }
        return text.toString();
    }

    private static Option find(List<Option> options, String name) {
        for (Option option : options) {
            if (name.equals(option.longName()) || name.equals(option.shortName())) {
                return option;
            }
        }
        return null;
    }
}
