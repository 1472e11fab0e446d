package io.jworkers.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SecretsTest {

    @Test
    void to_string_shows_the_names_but_never_the_values() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("SECRET_TOKEN", "hunter2");
        values.put("API_KEY", "sk-live-123");
        Secrets secrets = Secrets.of(values);
        assertEquals("Secrets[SECRET_TOKEN, API_KEY]", secrets.toString());
        assertFalse(secrets.toString().contains("hunter2"));
        assertFalse(secrets.toString().contains("sk-live-123"));
    }

    @Test
    void secrets_are_a_copy_that_cannot_be_changed() {
        Map<String, String> values = new LinkedHashMap<>(Map.of("A", "1"));
        Secrets secrets = Secrets.of(values);
        values.put("B", "2");
        assertEquals(Set.of("A"), secrets.names());
        assertEquals(Optional.of("1"), secrets.get("A"));
        assertThrows(UnsupportedOperationException.class, () -> secrets.names().clear());
    }

    @Test
    void none_has_no_names() {
        assertEquals(Set.of(), Secrets.NONE.names());
        assertEquals(Optional.empty(), Secrets.NONE.get("A"));
        assertEquals("Secrets[]", Secrets.NONE.toString());
    }

    @Test
    void a_null_value_is_rejected_without_printing_any_value() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("A", null);
        NullPointerException e = assertThrows(NullPointerException.class, () -> Secrets.of(values));
        assertEquals("secret A has a null value", e.getMessage());
    }
}
