package io.jworkers.runtime.contracts;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The shape of the values a declared type stands for, as they cross a worker boundary: what
 * {@link io.jworkers.runtime.values.ValueCopier} writes from a sender's type, or what it can read
 * into a receiver's. Two workers' classes are never the same, so contracts compare shapes, not
 * types. {@link ValueShapes} makes them; {@link ShapeConversion} tells whether one converts into
 * another.
 */
sealed interface ValueShape {

    /**
     * How a message names the shape: {@code string}, {@code int}, {@code list of string},
     * {@code object User}, {@code enum Color(RED, GREEN)}, {@code Request}.
     *
     * @return the description
     */
    String describe();

    /** Anything: {@code Object}, a type variable, an interface or abstract class, a JDK type the check does not model. */
    record Any(String typeName) implements ValueShape {
        @Override
        public String describe() {
            return typeName;
        }
    }

    /** No value: a {@code void} method, whose result arrives as {@code null}. */
    record Nothing() implements ValueShape {
        @Override
        public String describe() {
            return "void";
        }
    }

    /** The kinds of scalar Jackson writes as one token. */
    enum ScalarKind { STRING, BOOLEAN, INTEGER, DECIMAL }

    /**
     * A string, boolean or number.
     *
     * @param kind which
     * @param typeName how to name it: {@code string}, {@code int}, {@code java.lang.Integer}, …
     * @param primitive whether {@code null} cannot stand for it
     */
    record Scalar(ScalarKind kind, String typeName, boolean primitive) implements ValueShape {
        @Override
        public String describe() {
            return typeName;
        }
    }

    /** {@code byte[]}, which Jackson writes as base64 text. */
    record Binary() implements ValueShape {
        @Override
        public String describe() {
            return "byte[]";
        }
    }

    /**
     * An enum, written as the constant's name.
     *
     * @param typeName the enum's binary name
     * @param constants its constants' names, in declaration order
     */
    record EnumShape(String typeName, List<String> constants) implements ValueShape {
        @Override
        public String describe() {
            return "enum " + simple(typeName) + "(" + String.join(", ", constants) + ")";
        }
    }

    /**
     * An array or collection.
     *
     * @param element the elements' shape
     */
    record ListShape(ValueShape element) implements ValueShape {
        @Override
        public String describe() {
            return "list of " + element.describe();
        }
    }

    /**
     * A map, written as an object whose keys are text.
     *
     * @param value the values' shape
     */
    record MapShape(ValueShape value) implements ValueShape {
        @Override
        public String describe() {
            return "map of " + value.describe();
        }
    }

    /**
     * A record or bean of a worker, written as an object of its properties. Properties are read on
     * demand, as a record may contain itself.
     *
     * @param typeName the class's binary name
     * @param properties its properties' shapes by name, as Jackson writes (sender) or reads (receiver) them
     * @param fromScalar whether Jackson can also make one from a single string or number (a
     *     one-argument constructor or static factory), as it then accepts a scalar
     */
    record ObjectShape(String typeName, Supplier<Map<String, ValueShape>> properties, boolean fromScalar) implements ValueShape {
        @Override
        public String describe() {
            return "object " + simple(typeName);
        }
    }

    /**
     * A JDK value passed by reference, written as one scalar ({@code UUID}, {@code URI},
     * {@code Locale}, {@code java.time} values, …).
     *
     * @param typeName the class's name
     */
    record JdkValue(String typeName) implements ValueShape {
        @Override
        public String describe() {
            return simple(typeName);
        }
    }

    /**
     * {@code Request}, {@code Response} or {@code Headers}: passed by reference, and only into
     * the same type (Jackson can make none of them).
     *
     * @param typeName the class's name
     */
    record ApiValue(String typeName) implements ValueShape {
        @Override
        public String describe() {
            return simple(typeName);
        }
    }

    private static String simple(String typeName) {
        return typeName.substring(Math.max(typeName.lastIndexOf('.'), typeName.lastIndexOf('$')) + 1);
    }
}
