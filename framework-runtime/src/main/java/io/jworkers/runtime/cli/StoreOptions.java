package io.jworkers.runtime.cli;

import io.jworkers.runtime.deploy.SecretCipher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The options of a PostgreSQL store that {@code serve --store} and {@code store migrate} share:
 * the store's password and the key that seals secrets come from files or the environment, never
 * from the command line, where process listings would show them.
 */
final class StoreOptions {

    static final CommandLine.Option PASSWORD_FILE = new CommandLine.Option("--store-password-file", null, "FILE",
            "the store's password, else $PGPASSWORD");
    static final CommandLine.Option SECRET_KEY_FILE = new CommandLine.Option("--secret-key-file", null, "FILE",
            "the key that seals secrets in the store (32 bytes, base64), else $" + SecretCipher.KEY_VARIABLE);

    private StoreOptions() {
    }

    /**
     * The store's password: the content of {@code --store-password-file} (white space around it dropped), else
     * {@code PGPASSWORD}.
     *
     * @return the password, or {@code null} (trust, or a {@code .pgpass})
     * @throws UsageException if the file cannot be read
     */
    static String password(String command, CommandLine line, Map<String, String> environment) {
        return line.last(PASSWORD_FILE.longName()).map(file -> readFile(command, file, PASSWORD_FILE.longName()))
                .orElse(environment.get("PGPASSWORD"));
    }

    /**
     * The key from {@code --secret-key-file}, else {@value SecretCipher#KEY_VARIABLE}.
     *
     * @return the cipher, or {@code null} when neither gives one
     * @throws io.jworkers.runtime.deploy.DeploymentException if the file cannot be read or the key is malformed
     */
    static SecretCipher cipher(CommandLine line, Map<String, String> environment) {
        return SecretCipher.load(line.last(SECRET_KEY_FILE.longName()).map(Path::of).orElse(null), environment);
    }

    private static String readFile(String command, String file, String option) {
        try {
            return Files.readString(Path.of(file)).strip();
        } catch (IOException e) {
            throw new UsageException("jworkers " + command + ": cannot read " + option + " " + file + ": " + e.getMessage());
        }
    }
}
