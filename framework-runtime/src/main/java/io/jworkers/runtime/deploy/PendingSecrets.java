package io.jworkers.runtime.deploy;

import io.jworkers.runtime.config.NameRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The secrets set for a worker environment before its first deploy ({@code secret put --create}),
 * one file per environment ({@code secrets/WORKER/ENV/pending.json}); the first version starts
 * with them and the file goes. Called under the {@link FolderStore}'s lock.
 */
final class PendingSecrets {

    private final StateLayout layout;
    private final SecretSets secretSets;

    PendingSecrets(StateLayout layout, SecretSets secretSets) {
        this.layout = layout;
        this.secretSets = secretSets;
    }

    /** The names set, sorted. */
    Set<String> names(String worker, String environment) {
        return new TreeSet<>(secretSets.read(layout.pendingSecrets(worker, environment)).orElse(Map.of()).keySet());
    }

    /** Name to value, sorted; empty if none were set. */
    Map<String, String> values(String worker, String environment) {
        return new TreeMap<>(secretSets.read(layout.pendingSecrets(worker, environment)).orElse(Map.of()));
    }

    /** The worker environments that have such a file, those never deployed included. */
    SortedMap<String, List<String>> environments() {
        SortedMap<String, List<String>> found = new TreeMap<>();
        for (String worker : FolderReads.namesIn(layout.secrets())) {
            if (!NameRules.WORKER_NAME.matcher(worker).matches()) {
                continue;
            }
            for (String environment : FolderReads.namesIn(layout.secrets().resolve(worker))) {
                if (NameRules.ENVIRONMENT_NAME.matcher(environment).matches()
                        && Files.exists(layout.pendingSecrets(worker, environment))) {
                    found.computeIfAbsent(worker, w -> new ArrayList<>()).add(environment);
                }
            }
        }
        return found;
    }

    /** Sets one; the name and value were checked. */
    void put(String worker, String environment, String name, String value) {
        Path file = layout.pendingSecrets(worker, environment);
        Map<String, String> secrets = new TreeMap<>(secretSets.read(file).orElse(Map.of()));
        secrets.put(name, value);
        SecretSets.checkCount(secrets);
        secretSets.write(file, secrets);
    }

    /** Deletes one; whether it was set. An emptied set stays as an empty file. */
    boolean delete(String worker, String environment, String name) {
        Path file = layout.pendingSecrets(worker, environment);
        Map<String, String> secrets = new TreeMap<>(secretSets.read(file).orElse(Map.of()));
        if (secrets.remove(name) == null) {
            return false;
        }
        secretSets.write(file, secrets);
        return true;
    }
}
