package io.jworkers.runtime.deploy.postgres;

import io.jworkers.runtime.deploy.Deployment;
import io.jworkers.runtime.deploy.Served;
import io.jworkers.runtime.deploy.StoreUnreachableException;
import io.jworkers.runtime.deploy.TrafficSplit;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A store's offline mode: a host that starts while the database cannot be reached serves the
 * {@link Snapshot} it kept in its cache (what it served last), and leaves it for good the first
 * time the database answers again. While the database answers, every state the host applies is
 * kept as the snapshot for the next such start.
 */
final class OfflineSnapshot {

    private static final System.Logger LOG = System.getLogger("jworkers.store");

    private final Database database;
    private final Path cacheDir;
    private final SealedSecrets secrets;
    // Set while the host serves its snapshot because the store was unreachable at start; null once
    // the store answered (and its schema was checked).
    private volatile Snapshot offline;

    private OfflineSnapshot(Database database, Path cacheDir, SealedSecrets secrets, Snapshot offline) {
        this.database = database;
        this.cacheDir = cacheDir;
        this.secrets = secrets;
        this.offline = offline;
    }

    /**
     * Creates or upgrades the store's schema; when the database cannot be reached, takes the
     * snapshot in the cache instead (a revision of -1 when there is none: then the store's reads
     * fail until it answers).
     *
     * @throws io.jworkers.runtime.deploy.DeploymentException if the schema cannot be created or is newer than this jworkers
     */
    static OfflineSnapshot open(Database database, Path cacheDir, SealedSecrets secrets) {
        try {
            Migrations.prepare(database);
            return new OfflineSnapshot(database, cacheDir, secrets, null);
        } catch (StoreUnreachableException e) {
            Snapshot snapshot = Snapshot.read(cacheDir).orElse(new Snapshot(-1, List.of()));
            if (snapshot.revision() >= 0) {
                LOG.log(Level.WARNING, e.getMessage() + "; serving the snapshot of revision " + snapshot.revision()
                        + " in " + cacheDir + " until the store can be reached");
            }
            return new OfflineSnapshot(database, cacheDir, secrets, snapshot);
        }
    }

    /**
     * The snapshot served, without asking the database.
     *
     * @return the snapshot, or {@code null} once the store answered
     */
    Snapshot serving() {
        return offline;
    }

    /**
     * While offline: whether the store answers now (then the schema is checked and the snapshot
     * dropped).
     *
     * @return the snapshot still served, or {@code null} when the store answers
     * @throws StoreUnreachableException if it does not answer and there is no snapshot to serve
     */
    Snapshot stillOffline() {
        Snapshot snapshot = offline;
        if (snapshot == null) {
            return null;
        }
        try {
            Migrations.prepare(database);
            offline = null;
            LOG.log(Level.INFO, "the state store " + database.url().display() + " is reachable: leaving the snapshot");
            return null;
        } catch (StoreUnreachableException e) {
            if (snapshot.revision() < 0) {
                throw e;
            }
            return snapshot;
        }
    }

    /** The workers of a snapshot, sorted. */
    static List<String> workers(Snapshot snapshot) {
        return snapshot.entries().stream().map(Snapshot.Entry::worker).distinct().sorted().toList();
    }

    /** A worker's environments in a snapshot, sorted. */
    static List<String> environments(Snapshot snapshot, String worker) {
        return snapshot.entries().stream().filter(e -> e.worker().equals(worker)).map(Snapshot.Entry::environment)
                .sorted().toList();
    }

    /**
     * Keeps what the host serves at a revision as the snapshot, its secrets sealed as in the
     * store; a failure to write it is logged, not thrown (the host serves all the same).
     */
    void remember(long revision, List<Served> served) {
        if (offline != null) {
            return; // what it serves came from the snapshot: nothing new to keep
        }
        List<Snapshot.Entry> entries = served.stream().map(this::entry).toList();
        try {
            new Snapshot(revision, entries).write(cacheDir);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "the snapshot of revision " + revision + " was not written to " + cacheDir + ": " + e);
        }
    }

    // What a worker environment serves, each version's secrets sealed for its place as in the store.
    private Snapshot.Entry entry(Served served) {
        TrafficSplit deployed = served.split();
        Deployment primary = served.deployment();
        List<Snapshot.Version> others = new ArrayList<>();
        for (Deployment each : served.deployments()) {
            if (each != primary) {
                others.add(new Snapshot.Version(each.info(), seal(served, each)));
            }
        }
        return new Snapshot.Entry(served.worker(), served.environment(), primary.info(), seal(served, primary),
                deployed.isSplit() ? deployed.shares() : null, deployed.message(), others.isEmpty() ? null : others);
    }

    private byte[] seal(Served served, Deployment deployment) {
        return secrets.seal(deployment.secrets().asMap(), served.worker(), served.environment(), deployment.info().number());
    }
}
