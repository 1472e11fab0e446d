package io.jworkers.runtime.deploy;

import io.jworkers.runtime.bundle.NoSpaceLeftException;
import io.jworkers.runtime.config.NameRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Secret sets on disk: one JSON object of names to values per file, each file readable by its
 * owner only, inside owner-only folders. Values never appear in an exception or a log line: a
 * file that cannot be parsed is reported without Jackson's message, which may quote it.
 */
public final class SecretSets {

    /**
     * The largest secret value, in UTF-8 bytes: 64 KiB, as common platforms allow (Cloudflare's
     * secrets and AWS Secrets Manager's values are both capped there). Larger values belong in a
     * file or a store the worker reads, not in its environment.
     */
    static final int MAX_VALUE_BYTES = 64 * 1024;

    /** The most secrets one worker environment may have (Cloudflare allows 128 variables and secrets). */
    static final int MAX_SECRETS = 128;

    // Sets are read and written by StateJson, without a mapper: serve reads them at every start and
    // a store host writes them into its snapshot, where a mapper costs time and memory. Files written
    // by older versions may hold longer values than MAX_VALUE_BYTES: they must still be readable, so
    // that the worker stays manageable and the secret can be replaced (StateJson lifts Jackson's
    // string limit).

    private final DurableFiles files;

    SecretSets(DurableFiles files) {
        this.files = files;
    }

    /** The set in {@code file}, or empty if there is no such file. */
    Optional<Map<String, String>> read(Path file) {
        Optional<byte[]> bytes;
        try {
            bytes = DurableFiles.read(file);
        } catch (IOException e) {
            throw new DamagedStateException("Cannot read the secrets file " + file + ": " + e.getClass().getSimpleName());
        }
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(StateJson.strings(bytes.get()));
        } catch (IOException e) {
            throw new DamagedStateException("The secrets file " + file + " is not a JSON object of strings; restore it"
                    + " from a backup, or set the secrets again with jworkers secret put");
        }
    }

    /** Writes {@code secrets} to {@code file} atomically, owner-only from its first byte on. */
    void write(Path file, Map<String, String> secrets) {
        try {
            files.createDirs(file.getParent().getParent(), true);
            files.createDirs(file.getParent(), true);
            files.replace(file, toJson(secrets), true);
        } catch (IOException e) {
            if (NoSpaceLeftException.isDiskFull(e)) {
                throw new NoSpaceLeftException("writing a secrets file", file.getParent(), e);
            }
            throw new DeploymentException("Cannot write the secrets file " + file + ": " + e.getClass().getSimpleName()
                    + " " + e.getMessage());
        }
    }

    /**
     * A set as the JSON bytes it is stored as, sorted by name.
     *
     * @param secrets the set
     * @return UTF-8 JSON
     */
    public static byte[] toJson(Map<String, String> secrets) {
        return StateJson.stringsJson(new TreeMap<>(secrets));
    }

    /**
     * A set from its stored JSON bytes.
     *
     * @param json the bytes
     * @param where what they belong to, for the message
     * @return the set, sorted by name
     * @throws DamagedStateException if they are not a JSON object of strings (the message quotes nothing of them)
     */
    public static Map<String, String> fromJson(byte[] json, String where) {
        try {
            return StateJson.strings(json);
        } catch (IOException e) {
            throw new DamagedStateException("The secrets of " + where + " are not a JSON object of strings; set them again"
                    + " with jworkers secret put");
        }
    }

    /**
     * Checks a secret's name and value before anything is stored.
     *
     * @throws DeploymentException naming the rule it breaks, never quoting the value
     */
    public static void check(String name, String value) {
        if (name == null || !NameRules.SECRET_NAME.matcher(name).matches()) {
            throw new DeploymentException("Invalid secret name \"" + name + "\": " + NameRules.SECRET_NAME_RULE);
        }
        if (value == null || value.isEmpty()) {
            throw new DeploymentException("Secret \"" + name + "\" needs a value");
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_VALUE_BYTES) {
            throw new DeploymentException("Secret \"" + name + "\" is " + bytes + " bytes; a secret may have at most "
                    + MAX_VALUE_BYTES + " bytes (64 KiB). Keep larger data in a file or a store the worker reads.");
        }
    }

    /** Checks how many secrets a set has. */
    public static void checkCount(Map<String, String> secrets) {
        if (secrets.size() > MAX_SECRETS) {
            throw new DeploymentException("A worker may have at most " + MAX_SECRETS + " secrets per environment; this"
                    + " change would make " + secrets.size() + ". Delete some with jworkers secret delete.");
        }
    }
}
