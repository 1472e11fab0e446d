package io.jworkers.runtime.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jworkers.api.ConversionException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ValueCopierTest {

    private final ValueCopier copier = ValueCopier.create();

    @Test
    void sharedValuesPassByReference() {
        UUID id = UUID.randomUUID();
        Instant now = Instant.now();
        assertSame(id, copier.copy(id, copier.typeOf(UUID.class), "arg0"));
        assertSame(now, copier.copy(now, copier.typeOf(Object.class), "arg0"));
    }

    @Test
    void listsAreCopiedIntoNewMutableLists() {
        List<String> original = List.of("a", "b");
        Object copy = copier.copy(original, copier.typeOf(List.class), "arg0");
        assertEquals(ArrayList.class, copy.getClass());
        assertEquals(original, copy);
        assertNotSame(original, copy);
    }

    @Test
    void nullIntoAPrimitiveIsRefused() {
        ConversionException error = assertThrows(ConversionException.class, () -> copier.copy(null, copier.typeOf(int.class), "arg1"));
        assertEquals("null cannot be passed as int (at arg1)", error.getMessage());
        assertEquals("arg1", error.path());
    }

    @Test
    void aCopyLargerThan32MiBIsRefusedWhileOneJustBelowPasses() {
        String mebibyte = "x".repeat(1024 * 1024);
        List<String> below = new ArrayList<>();
        for (int i = 0; i < 31; i++) {
            below.add(mebibyte);
        }
        assertEquals(31, ((List<?>) copier.copy(below, copier.typeOf(List.class), "arg0")).size());

        List<String> above = new ArrayList<>(below);
        above.add(mebibyte);
        above.add(mebibyte);
        ConversionException error = assertThrows(ConversionException.class,
                () -> copier.copy(above, copier.typeOf(List.class), "arg0"));
        assertEquals("A value of type java.util.ArrayList cannot cross a worker boundary: the copy is larger than 32 MiB; send large data "
                + "as a Request or Response body, which streams instead of being copied (at arg0)",
                error.getMessage());
    }

    @Test
    void aValueThatDoesNotFitTheTargetTypeNamesThePath() {
        record Box(String name, int size) {
        }
        ConversionException error = assertThrows(ConversionException.class,
                () -> copier.copy(List.of(new Box("a", 1)), copier.typeOf(int[].class), "arg0"));
        assertEquals("arg0[0]", error.path());
    }
}
