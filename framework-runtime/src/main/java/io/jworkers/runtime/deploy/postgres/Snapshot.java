package io.jworkers.runtime.deploy.postgres;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.jworkers.runtime.deploy.DurableFiles;
import io.jworkers.runtime.deploy.VersionInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a host last applied from the store, kept in its cache ({@code snapshot.json}): the
 * revision and each worker environment's current version with its secrets still sealed. A host
 * that starts while the store is unreachable serves this (its bundles are in the cache too)
 * until the store is back.
 *
 * @param revision the store revision it is the state of
 * @param entries the current version of each worker environment
 */
record Snapshot(long revision, List<Entry> entries) {

    static final String FILE = "snapshot.json";
    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule()).build();

    /**
     * One worker environment's current version.
     *
     * @param worker the worker
     * @param environment the environment
     * @param info the version
     * @param sealedSecrets its secrets, sealed as in the store
     */
    record Entry(String worker, String environment, VersionInfo info, byte[] sealedSecrets) {
    }

    Optional<Entry> entry(String worker, String environment) {
        return entries.stream().filter(e -> e.worker().equals(worker) && e.environment().equals(environment)).findFirst();
    }

    /** The snapshot in a cache folder, if one was written and can be read. */
    static Optional<Snapshot> read(Path cache) {
        Path file = cache.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), Snapshot.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Replaces the snapshot in a cache folder, whole or not at all, readable by the host's user only. */
    void write(Path cache) throws IOException {
        new DurableFiles(cache).replace(cache.resolve(FILE), JSON.writeValueAsBytes(this), true);
    }
}
