package io.jworkers.runtime.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.api.ConversionException;
import io.jworkers.api.Headers;
import io.jworkers.api.Request;
import io.jworkers.runtime.values.ValueCopier;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The shape relation checked against the {@link ValueCopier} itself with real values: whenever it
 * says a shape does not convert into another, every sample value of the first must fail to copy
 * into the second; a deploy it refuses must be one whose calls would surely fail.
 */
class ShapeConversionTest {

    public enum Color { RED, GREEN }

    public enum Flag { TRUE, FALSE }

    public enum Other { BLUE }

    public record Point(int x, int y) {
    }

    public record Named(String name) {
    }

    public record Labelled(String name, int x) {
    }

    public record Wrapper(Point point) {
    }

    public record FlatWrapper(int point) {
    }

    public record Node(String name, List<Node> children) {
    }

    /** A bean Jackson can also make from one string. */
    public static final class Code {
        private final String value;

        public Code(String value) {
            this.value = value;
        }

        public String getValue() {
            return value;
        }
    }

    /** Declared types (by a name for messages) and values of each, collections never empty, properties never null. */
    private static final Map<String, Sample> SAMPLES = samples();

    private record Sample(Type type, List<Object> values) {
    }

    private static Map<String, Sample> samples() {
        Map<String, Sample> samples = new LinkedHashMap<>();
        samples.put("String", new Sample(String.class, List.of("", "0", "1", "12", "-3", "1.5", "abc", "true", "false",
                "RED", "BLUE", "AQI=", "1970-01-01T00:00:12Z", "123e4567-e89b-12d3-a456-426614174000", "PT3S", "2024-01-01")));
        samples.put("int", new Sample(int.class, List.of(0, 1, 12, -1)));
        samples.put("Integer", new Sample(Integer.class, List.of(0, 1, 12)));
        samples.put("long", new Sample(long.class, List.of(0L, 7L)));
        samples.put("double", new Sample(double.class, List.of(0.0, 1.0, 1.5)));
        samples.put("BigDecimal", new Sample(BigDecimal.class, List.of(new BigDecimal("1.5"), BigDecimal.ONE)));
        samples.put("boolean", new Sample(boolean.class, List.of(true, false)));
        samples.put("char", new Sample(char.class, List.of('a', '1')));
        samples.put("Color", new Sample(Color.class, List.of(Color.RED, Color.GREEN)));
        samples.put("Flag", new Sample(Flag.class, List.of(Flag.TRUE, Flag.FALSE)));
        samples.put("Other", new Sample(Other.class, List.of(Other.BLUE)));
        samples.put("byte[]", new Sample(byte[].class, List.of(new byte[] {1, 2, 3}, new byte[] {0})));
        samples.put("int[]", new Sample(int[].class, List.of(new int[] {1}, new int[] {0, 300})));
        samples.put("List<String>", new Sample(Types.LIST_OF_STRING, List.of(List.of("a"), List.of("12"), List.of("RED"))));
        samples.put("List<Point>", new Sample(Types.LIST_OF_POINT, List.of(List.of(new Point(1, 2)))));
        samples.put("Map<String,Integer>", new Sample(Types.MAP_OF_INTEGER, List.of(Map.of("x", 1), Map.of("name", 2))));
        samples.put("Map<String,Point>", new Sample(Types.MAP_OF_POINT, List.of(Map.of("point", new Point(1, 2)))));
        samples.put("Point", new Sample(Point.class, List.of(new Point(1, 2))));
        samples.put("Named", new Sample(Named.class, List.of(new Named("a"), new Named("12"))));
        samples.put("Labelled", new Sample(Labelled.class, List.of(new Labelled("a", 1))));
        samples.put("Wrapper", new Sample(Wrapper.class, List.of(new Wrapper(new Point(1, 2)))));
        samples.put("FlatWrapper", new Sample(FlatWrapper.class, List.of(new FlatWrapper(3))));
        samples.put("Node", new Sample(Node.class, List.of(new Node("a", List.of(new Node("b", List.of()))))));
        samples.put("Code", new Sample(Code.class, List.of(new Code("x"))));
        samples.put("UUID", new Sample(UUID.class, List.of(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"))));
        samples.put("Instant", new Sample(Instant.class, List.of(Instant.ofEpochSecond(12))));
        samples.put("Duration", new Sample(Duration.class, List.of(Duration.ofSeconds(3))));
        samples.put("LocalDate", new Sample(LocalDate.class, List.of(LocalDate.of(2024, 1, 1))));
        samples.put("Request", new Sample(Request.class, List.of(Request.get("http://localhost/x"))));
        samples.put("Headers", new Sample(Headers.class, List.of(Request.builder("GET", "http://localhost/")
                .header("a", "b").build().headers())));
        samples.put("Object", new Sample(Object.class, List.of("x", 1, List.of(1))));
        return samples;
    }

    /** Generic types of fields, since a class literal cannot carry type arguments. */
    @SuppressWarnings("unused")
    private static final class Types {
        static final Type LIST_OF_STRING = field("strings");
        static final Type LIST_OF_POINT = field("points");
        static final Type MAP_OF_INTEGER = field("integers");
        static final Type MAP_OF_POINT = field("pointMap");

        List<String> strings;
        List<Point> points;
        Map<String, Integer> integers;
        Map<String, Point> pointMap;

        private static Type field(String name) {
            try {
                return Types.class.getDeclaredField(name).getGenericType();
            } catch (NoSuchFieldException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void whatTheRelationRefusesTheCopierRefusesForEverySampleValue() {
        ValueCopier copier = ValueCopier.create();
        ValueShapes shapes = new ValueShapes();
        List<String> wrong = new ArrayList<>();
        int refused = 0;
        for (Map.Entry<String, Sample> from : SAMPLES.entrySet()) {
            for (Map.Entry<String, Sample> to : SAMPLES.entrySet()) {
                Optional<String> problem = ShapeConversion.problem(shapes.written(from.getValue().type()),
                        shapes.read(to.getValue().type()), "arg0");
                if (problem.isEmpty()) {
                    continue;
                }
                refused++;
                for (Object value : from.getValue().values()) {
                    if (copies(copier, value, to.getValue().type())) {
                        wrong.add(from.getKey() + " → " + to.getKey() + " (" + problem.get() + ") but " + show(value) + " converts");
                    }
                }
            }
        }
        assertEquals(List.of(), wrong);
        // Not vacuous: most pairs of different kinds are refused.
        assertTrue(refused > 300, "refused " + refused);
    }

    @Test
    void whatScalarsConvertIntoFollowsJacksonsCoercions() {
        assertEquals(Optional.empty(), problem("String", "int"));
        assertEquals(Optional.empty(), problem("int", "String"));
        assertEquals(Optional.empty(), problem("double", "int"));
        assertEquals(Optional.empty(), problem("int", "boolean"));
        assertEquals(Optional.of("arg0: boolean → int"), problem("boolean", "int"));
        assertEquals(Optional.of("arg0: double → boolean"), problem("double", "boolean"));
        assertEquals(Optional.of("arg0: enum Color(RED, GREEN) → int"), problem("Color", "int"));
        assertEquals(Optional.empty(), problem("Flag", "boolean"));
        assertEquals(Optional.of("arg0: enum Other(BLUE) → enum Color(RED, GREEN)"), problem("Other", "Color"));
        assertEquals(Optional.of("arg0: UUID → list of string"), problem("UUID", "List<String>"));
        assertEquals(Optional.of("arg0: Request → string"), problem("Request", "String"));
        assertEquals(Optional.empty(), problem("String", "Code"));
        assertEquals(Optional.of("arg0: string → object Point"), problem("String", "Point"));
    }

    @Test
    void recordsConvertByTheirCommonPropertiesAtAnyDepth() {
        assertEquals(Optional.empty(), problem("Point", "Named"));
        assertEquals(Optional.empty(), problem("Labelled", "Point"));
        assertEquals(Optional.of("arg0.point: object Point → int"), problem("Wrapper", "FlatWrapper"));
        assertEquals(Optional.of("arg0.point: int → object Point"), problem("FlatWrapper", "Wrapper"));
        assertEquals(Optional.of("arg0[]: object Point → string"), problem("List<Point>", "List<String>"));
        assertEquals(Optional.of("arg0{}: object Point → Integer"), problem("Map<String,Point>", "Map<String,Integer>"));
        assertEquals(Optional.of("arg0.point: object Point → Integer"), problem("Wrapper", "Map<String,Integer>"));
        assertEquals(Optional.empty(), problem("Node", "Node"));
    }

    private static Optional<String> problem(String from, String to) {
        ValueShapes shapes = new ValueShapes();
        return ShapeConversion.problem(shapes.written(SAMPLES.get(from).type()), shapes.read(SAMPLES.get(to).type()), "arg0");
    }

    private static boolean copies(ValueCopier copier, Object value, Type target) {
        try {
            copier.copy(value, copier.typeOf(target), "arg0");
            return true;
        } catch (ConversionException e) {
            return false;
        } catch (ClassCastException e) {
            // The copier lets this one escape for byte[] into java.time types: a failure all the same.
            return false;
        }
    }

    private static String show(Object value) {
        return value instanceof byte[] bytes ? java.util.Arrays.toString(bytes)
                : value instanceof int[] ints ? java.util.Arrays.toString(ints) : String.valueOf(value);
    }
}
