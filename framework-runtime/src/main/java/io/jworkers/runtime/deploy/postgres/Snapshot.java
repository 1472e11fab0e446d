package io.jworkers.runtime.deploy.postgres;

import io.jworkers.runtime.deploy.DurableFiles;
import io.jworkers.runtime.deploy.TrafficSplit;
import io.jworkers.runtime.deploy.VersionInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a host last applied from the store, kept in its cache ({@code snapshot.json}): the
 * revision and, for each worker environment, what takes traffic with the versions it names, their
 * secrets still sealed. A host that starts while the store is unreachable serves this (its
 * bundles are in the cache too) until the store is back.
 *
 * @param revision the store revision it is the state of
 * @param entries what each worker environment serves
 */
record Snapshot(long revision, List<Entry> entries) {

    static final String FILE = "snapshot.json";

    /**
     * What one worker environment serves. A snapshot written before gradual deployments has the
     * current version alone: {@code split} and {@code others} are {@code null} then.
     *
     * @param worker the worker
     * @param environment the environment
     * @param info the current version (the primary of the split)
     * @param sealedSecrets its secrets, sealed as in the store
     * @param split the shares of a gradual deployment, newest first, or {@code null} when {@code info} takes all traffic
     * @param splitMessage the deployment's message, or {@code null}
     * @param others the split's other version, or {@code null}
     */
    record Entry(String worker, String environment, VersionInfo info, byte[] sealedSecrets, List<TrafficSplit.Share> split,
            String splitMessage, List<Version> others) {

        /** The current version, as the store keeps it. */
        VersionRows.Stored primary() {
            return new VersionRows.Stored(info, sealedSecrets);
        }

        /** What takes traffic. */
        TrafficSplit deployed() {
            return new TrafficSplit(split != null ? split : List.of(new TrafficSplit.Share(info.number(), 100)), splitMessage);
        }

        /** A version kept in the entry: the current one or the split's other. */
        Optional<VersionRows.Stored> version(int number) {
            if (info.number() == number) {
                return Optional.of(primary());
            }
            return (others == null ? List.<Version>of() : others).stream().filter(v -> v.info().number() == number)
                    .findFirst().map(v -> new VersionRows.Stored(v.info(), v.sealedSecrets()));
        }
    }

    /**
     * A version of a split besides the current one.
     *
     * @param info the version
     * @param sealedSecrets its secrets, sealed as in the store
     */
    record Version(VersionInfo info, byte[] sealedSecrets) {
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
            return Optional.of(StoreJson.snapshot(Files.readAllBytes(file)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Replaces the snapshot in a cache folder, whole or not at all, readable by the host's user only. */
    void write(Path cache) throws IOException {
        new DurableFiles(cache).replace(cache.resolve(FILE), StoreJson.write(this), true);
    }
}
