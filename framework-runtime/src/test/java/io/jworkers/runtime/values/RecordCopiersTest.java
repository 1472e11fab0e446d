package io.jworkers.runtime.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.api.ConversionException;
import java.lang.invoke.MethodHandle;
import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Generated record copiers: only where they give what Jackson gives. */
class RecordCopiersTest {

    record Inner(long v, Integer boxed) {
    }

    record Sent(int x, String name, Instant at, DayOfWeek day, Inner inner, String extra) {
    }

    record InnerCopy(long v, Integer boxed) {
    }

    record Received(DayOfWeek day, Instant at, String name, int x, InnerCopy inner) {
    }

    record Checked(int x) {
        Checked {
            if (x < 0) {
                throw new IllegalArgumentException("x must not be negative");
            }
        }
    }

    record Plain(int x) {
    }

    record WithList(List<String> names) {
    }

    record WithListCopy(List<String> names) {
    }

    record WithDecimal(BigDecimal amount) {
    }

    record WithDecimalCopy(BigDecimal amount) {
    }

    record Missing(int x, String name, long more) {
    }

    @Test
    void copiesComponentsByNameSharingImmutableValuesAndCopyingNestedRecords() throws Throwable {
        MethodHandle copier = RecordCopiers.copier(Sent.class, Received.class, "arg0").orElseThrow();
        Instant at = Instant.parse("2026-01-02T03:04:05Z");
        Sent sent = new Sent(7, "seven", at, DayOfWeek.MONDAY, new Inner(9L, 10), "ignored");
        Received received = (Received) copier.invoke(sent);
        assertEquals(new Received(DayOfWeek.MONDAY, at, "seven", 7, new InnerCopy(9L, 10)), received);
        assertSame(sent.name(), received.name());
        assertNull(copier.invoke((Sent) null));
        Received withNullInner = (Received) copier.invoke(new Sent(1, null, null, null, null, null));
        assertEquals(new Received(null, null, null, 1, null), withNullInner);
    }

    @Test
    void whatTheReceiversConstructorRefusesIsAConversionExceptionWithThePath() {
        MethodHandle copier = RecordCopiers.copier(Plain.class, Checked.class, "arg0").orElseThrow();
        ConversionException e = assertThrows(ConversionException.class, () -> copier.invoke(new Plain(-1)));
        assertTrue(e.getMessage().endsWith("x must not be negative (at arg0)"), e.getMessage());
    }

    @Test
    void collectionsNonFinalTypesAndMissingComponentsAreLeftToJackson() {
        assertTrue(RecordCopiers.copier(WithList.class, WithListCopy.class, "arg0").isEmpty());
        assertTrue(RecordCopiers.copier(WithDecimal.class, WithDecimalCopy.class, "arg0").isEmpty());
        assertTrue(RecordCopiers.copier(Plain.class, Missing.class, "arg0").isEmpty());
        assertTrue(RecordCopiers.copier(String.class, Plain.class, "arg0").isEmpty());
    }
}
