package io.jworkers.runtime.config;

import static io.jworkers.runtime.config.ConfigFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevSecretsTest {

    @TempDir
    Path dir;

    private WorkerConfig config(String... required) {
        return new WorkerConfig(dir.resolve("worker.jsonc"), "auth", null, List.of(), List.of(), List.of(), Map.of(),
                Set.of(required), Limits.DEFAULT);
    }

    @Test
    void dev_vars_lines_are_parsed_with_quotes_comments_and_export() {
        write(dir, ".dev.vars", """
                # local secrets, never committed

                SECRET_TOKEN=abc123
                export API_KEY = "line1\\nline2 \\"quoted\\" \\\\ # not a comment"   # a comment
                SINGLE='raw \\n $x # kept'
                UNQUOTED=value with spaces # trailing comment
                HASH=abc#123
                EMPTY=
                \tINDENTED=yes\r
                SECRET_TOKEN=last-one-wins
                """);
        Secrets secrets = DevSecrets.load(config(), null);
        assertEquals(List.of("SECRET_TOKEN", "API_KEY", "SINGLE", "UNQUOTED", "HASH", "EMPTY", "INDENTED"),
                List.copyOf(secrets.names()));
        assertEquals(Optional.of("last-one-wins"), secrets.get("SECRET_TOKEN"));
        assertEquals(Optional.of("line1\nline2 \"quoted\" \\ # not a comment"), secrets.get("API_KEY"));
        assertEquals(Optional.of("raw \\n $x # kept"), secrets.get("SINGLE"));
        assertEquals(Optional.of("value with spaces"), secrets.get("UNQUOTED"));
        assertEquals(Optional.of("abc#123"), secrets.get("HASH"));
        assertEquals(Optional.of(""), secrets.get("EMPTY"));
        assertEquals(Optional.of("yes"), secrets.get("INDENTED"));
        assertEquals(Optional.empty(), secrets.get("NOPE"));
    }

    @Test
    void a_malformed_line_gives_file_and_line_but_never_the_line_itself() {
        Path file = write(dir, ".dev.vars", "OK=1\n# comment\nsuper-secret-value\n");
        ConfigException e = assertThrows(ConfigException.class, () -> DevSecrets.load(config(), null));
        assertEquals(file + ":3: no '=' found; expected NAME=value (e.g. API_KEY=abc123), a # comment, or a blank line",
                e.getMessage());
        assertFalse(e.getMessage().contains("super-secret-value"));
    }

    @Test
    void an_unclosed_quote_is_a_malformed_line() {
        Path file = write(dir, ".dev.vars", "A=\"open\n");
        ConfigException e = assertThrows(ConfigException.class, () -> DevSecrets.load(config(), null));
        assertEquals(file + ":1: the value's opening \" has no closing \" on the same line"
                + " (write line breaks as \\n inside double quotes)", e.getMessage());
    }

    @Test
    void text_after_a_closing_quote_is_a_malformed_line() {
        Path file = write(dir, ".dev.vars", "\n\nA='x' y\n");
        ConfigException e = assertThrows(ConfigException.class, () -> DevSecrets.load(config(), null));
        assertEquals(file + ":3: unexpected text after the closing quote; a comment must start with #", e.getMessage());
    }

    @Test
    void a_missing_required_secret_says_which_line_to_add_where() {
        ConfigException e = assertThrows(ConfigException.class, () -> DevSecrets.load(config("SECRET_TOKEN"), null));
        assertEquals("worker \"auth\" requires secret \"SECRET_TOKEN\", which is not set: add a line SECRET_TOKEN=... to "
                + dir.resolve(".dev.vars"), e.getMessage());
    }

    @Test
    void several_missing_secrets_read_as_a_sentence() {
        WorkerConfig config = ConfigLoader.load(write(dir, "worker.jsonc", """
                { "name": "auth", "classpath": ["."], "secrets": { "required": ["A", "B", "C"] } }
                """), null);
        ConfigException e = assertThrows(ConfigException.class, () -> DevSecrets.load(config, null));
        assertEquals("worker \"auth\" requires secrets \"A\", \"B\" and \"C\", which are not set: add the lines"
                + " A=..., B=... and C=... to " + dir.resolve(".dev.vars"), e.getMessage());
    }

    @Test
    void an_environment_specific_file_replaces_dev_vars_when_it_exists() {
        write(dir, ".dev.vars", "TOKEN=dev\nONLY_DEV=1\n");
        write(dir, ".dev.vars.staging", "TOKEN=staging\n");
        assertEquals(Optional.of("staging"), DevSecrets.load(config(), "staging").get("TOKEN"));
        assertEquals(Optional.empty(), DevSecrets.load(config(), "staging").get("ONLY_DEV"), "not merged");
        assertEquals(Optional.of("dev"), DevSecrets.load(config(), "production").get("TOKEN"), "falls back");
        assertEquals(Optional.of("dev"), DevSecrets.load(config(), null).get("TOKEN"));
    }

    @Test
    void no_dev_vars_file_means_no_secrets_when_none_are_required() {
        assertEquals(Set.of(), DevSecrets.load(config(), null).names());
    }
}
