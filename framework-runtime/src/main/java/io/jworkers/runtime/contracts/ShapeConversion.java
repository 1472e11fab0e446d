package io.jworkers.runtime.contracts;

import io.jworkers.runtime.contracts.ValueShape.Any;
import io.jworkers.runtime.contracts.ValueShape.ApiValue;
import io.jworkers.runtime.contracts.ValueShape.Binary;
import io.jworkers.runtime.contracts.ValueShape.EnumShape;
import io.jworkers.runtime.contracts.ValueShape.JdkValue;
import io.jworkers.runtime.contracts.ValueShape.ListShape;
import io.jworkers.runtime.contracts.ValueShape.MapShape;
import io.jworkers.runtime.contracts.ValueShape.Nothing;
import io.jworkers.runtime.contracts.ValueShape.ObjectShape;
import io.jworkers.runtime.contracts.ValueShape.Scalar;
import io.jworkers.runtime.contracts.ValueShape.ScalarKind;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether values of one shape convert into another, as the {@link io.jworkers.runtime.values.ValueCopier}
 * converts them (Jackson, unknown properties ignored, scalars coerced), and where they do not.
 *
 * <p>The relation is deliberately lenient, because a deploy it refuses must be one that would
 * surely fail: a shape is said not to convert only when <em>every</em> value of it fails, counting
 * values whose collections are not empty and whose properties are not null (an empty list or a
 * null field converts into anything, which would make every container compatible). So
 * {@code string → int} converts ({@code "12"} does), {@code int → string} converts (Jackson writes
 * {@code "12"}), {@code decimal → int} converts (truncated), a record into another converts when the
 * properties they share convert, whatever either has in addition; but {@code boolean → int},
 * {@code decimal → boolean}, a list into a scalar, an object into a list, an enum into a number
 * (a constant's name is never numeric), or two enums without a common constant do not. The
 * rules were taken from, and are tested against, the copier itself.
 */
final class ShapeConversion {

    private static final int MAX_DEPTH = 32;

    private final Set<List<ValueShape>> assumed = new HashSet<>();

    /**
     * Why values of {@code from} cannot become {@code to}, if they cannot.
     *
     * @param from the sender's shape (a caller's parameter, a target's result)
     * @param to the receiver's shape (the target's parameter, the caller's declared result)
     * @param path where the value is, e.g. {@code arg0}
     * @return the path and the two shapes, e.g. {@code arg0.user.level: int → object Level}, or empty
     */
    static Optional<String> problem(ValueShape from, ValueShape to, String path) {
        return new ShapeConversion().check(from, to, path, 0);
    }

    private Optional<String> check(ValueShape from, ValueShape to, String path, int depth) {
        if (depth > MAX_DEPTH || from instanceof Any || to instanceof Any) {
            return Optional.empty();
        }
        if (from instanceof Nothing) {
            // The result of a void method arrives as null, which only a primitive refuses.
            return to instanceof Scalar scalar && scalar.primitive() ? mismatch(from, to, path) : Optional.empty();
        }
        if (to instanceof Nothing) {
            return Optional.empty();
        }
        if (from instanceof ObjectShape sender && to instanceof ObjectShape receiver && !assumed.add(List.of(sender, receiver))) {
            return Optional.empty(); // a recursive record: its pair is being checked further up
        }
        return switch (to) {
            case Scalar scalar -> converts(from, scalar) ? Optional.empty() : mismatch(from, to, path);
            case Binary binary -> intoBinary(from, to, path, depth);
            case EnumShape target -> intoEnum(from, target) ? Optional.empty() : mismatch(from, to, path);
            case ListShape list -> from instanceof ListShape source
                    ? check(source.element(), list.element(), path + "[]", depth + 1) : mismatch(from, to, path);
            case MapShape map -> intoMap(from, map, path, depth);
            case ObjectShape object -> intoObject(from, object, path, depth);
            case JdkValue value -> isScalar(from) || from.equals(value) ? Optional.empty() : mismatch(from, to, path);
            case ApiValue value -> from.equals(value) ? Optional.empty() : mismatch(from, to, path);
            default -> Optional.empty();
        };
    }

    private static boolean converts(ValueShape from, Scalar to) {
        return switch (to.kind()) {
            // Jackson writes any scalar as text, byte[] as base64, an enum as its name.
            case STRING -> isScalar(from) || from instanceof Binary;
            // "12" parses; true, a constant's name or base64 never do.
            case INTEGER, DECIMAL -> from instanceof Scalar scalar && scalar.kind() != ScalarKind.BOOLEAN
                    || from instanceof JdkValue;
            // "true", 0 and 1 convert; 1.0 does not.
            case BOOLEAN -> from instanceof Scalar scalar && scalar.kind() != ScalarKind.DECIMAL
                    || from instanceof JdkValue
                    || from instanceof EnumShape values && values.constants().stream()
                            .anyMatch(c -> c.equalsIgnoreCase("true") || c.equalsIgnoreCase("false"));
        };
    }

    private static boolean intoEnum(ValueShape from, EnumShape to) {
        if (from instanceof Scalar scalar) {
            // A name or an index ("0" or 0); neither a fraction nor a boolean.
            return scalar.kind() == ScalarKind.STRING || scalar.kind() == ScalarKind.INTEGER;
        }
        if (from instanceof EnumShape values) {
            return values.constants().stream().anyMatch(to.constants()::contains);
        }
        return from instanceof JdkValue;
    }

    private Optional<String> intoBinary(ValueShape from, ValueShape to, String path, int depth) {
        if (from instanceof ListShape list) {
            // A list of numbers becomes the bytes.
            return check(list.element(), new Scalar(ScalarKind.INTEGER, "byte", true), path + "[]", depth + 1);
        }
        boolean text = from instanceof Scalar scalar && scalar.kind() == ScalarKind.STRING;
        return text || from instanceof Binary || from instanceof EnumShape || from instanceof JdkValue
                ? Optional.empty() : mismatch(from, to, path);
    }

    private Optional<String> intoMap(ValueShape from, MapShape to, String path, int depth) {
        if (from instanceof MapShape map) {
            return check(map.value(), to.value(), path + "{}", depth + 1);
        }
        if (from instanceof ObjectShape object) {
            for (Map.Entry<String, ValueShape> property : object.properties().get().entrySet()) {
                Optional<String> problem = check(property.getValue(), to.value(), path + "." + property.getKey(), depth + 1);
                if (problem.isPresent()) {
                    return problem;
                }
            }
            return Optional.empty();
        }
        // Headers write as a small object, whose values are not worth modelling.
        return from instanceof ApiValue api && api.typeName().endsWith(".Headers") ? Optional.empty() : mismatch(from, to, path);
    }

    private Optional<String> intoObject(ValueShape from, ObjectShape to, String path, int depth) {
        if (from instanceof ObjectShape object) {
            Map<String, ValueShape> read = to.properties().get();
            for (Map.Entry<String, ValueShape> property : object.properties().get().entrySet()) {
                ValueShape target = read.get(property.getKey());
                if (target != null) {
                    Optional<String> problem = check(property.getValue(), target, path + "." + property.getKey(), depth + 1);
                    if (problem.isPresent()) {
                        return problem;
                    }
                }
            }
            return Optional.empty();
        }
        // A map's keys may be anything, so some map converts; so may Headers' small object.
        if (from instanceof MapShape || from instanceof ApiValue api && api.typeName().endsWith(".Headers")) {
            return Optional.empty();
        }
        boolean scalar = isScalar(from) || from instanceof Binary;
        return scalar && to.fromScalar() ? Optional.empty() : mismatch(from, to, path);
    }

    /** Written as a single string, number or boolean token. */
    private static boolean isScalar(ValueShape shape) {
        return shape instanceof Scalar || shape instanceof EnumShape || shape instanceof JdkValue;
    }

    private static Optional<String> mismatch(ValueShape from, ValueShape to, String path) {
        return Optional.of(path + ": " + from.describe() + " → " + to.describe());
    }
}
