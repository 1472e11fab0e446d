package io.jworkers.runtime.deploy.postgres;

import io.jworkers.runtime.bundle.BundleHash;
import io.jworkers.runtime.deploy.DamagedStateException;
import io.jworkers.runtime.deploy.Deployment;
import io.jworkers.runtime.deploy.DeploymentException;
import io.jworkers.runtime.deploy.FolderStore;
import io.jworkers.runtime.deploy.StateProblem;
import io.jworkers.runtime.deploy.TrafficSplit;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads a single host's state folder whole, for {@code jworkers store migrate}: every worker
 * environment with every version (bundle, config, secrets), its current version and the secrets
 * set before a first deploy, each bundle checked against its hash.
 *
 * <p>A migration copies whole worker environments or nothing: a version that cannot be read, a
 * bundle whose files no longer match its hash, an index or a secrets file that is damaged makes
 * the whole read fail, naming every damaged environment, before anything is written anywhere.
 * Skipping them instead would leave the store with some of the folder's environments, and a
 * second run for the repaired ones would then be refused, since the store holds the others.
 */
public final class FolderMigration {

    private FolderMigration() {
    }

    /**
     * Reads every worker environment of the folder that has versions or pending secrets.
     *
     * @param folder the open folder store (its lock keeps hosts away while it is read and copied)
     * @return the environments, by worker and environment
     * @throws DeploymentException if any is damaged: the message names each with what is wrong and what to do
     */
    public static List<EnvironmentImport> read(FolderStore folder) {
        SortedMap<String, SortedSet<String>> environments = new TreeMap<>();
        for (String worker : folder.workers()) {
            environments.computeIfAbsent(worker, w -> new TreeSet<>()).addAll(folder.environments(worker));
        }
        folder.environmentsWithPendingSecrets().forEach((worker, names) ->
                environments.computeIfAbsent(worker, w -> new TreeSet<>()).addAll(names));
        Map<String, String> damaged = new LinkedHashMap<>();
        for (StateProblem problem : folder.problems()) {
            damaged.put(problem.worker() + " (" + problem.environment() + ")", problem.message());
        }
        Map<String, String> hashes = new HashMap<>();
        List<EnvironmentImport> imports = new ArrayList<>();
        environments.forEach((worker, names) -> {
            for (String environment : names) {
                String label = worker + " (" + environment + ")";
                if (damaged.containsKey(label)) {
                    continue;
                }
                try {
                    List<Deployment> versions = folder.everyVersion(worker, environment);
                    for (Deployment version : versions) {
                        checkBundle(worker, environment, version, hashes);
                    }
                    TrafficSplit deployed = folder.split(worker, environment).orElse(null);
                    Map<String, String> pending = folder.pendingSecrets(worker, environment);
                    if (!versions.isEmpty() || !pending.isEmpty()) {
                        imports.add(new EnvironmentImport(worker, environment, versions, deployed, pending));
                    }
                } catch (DamagedStateException e) {
                    damaged.put(label, e.getMessage());
                }
            }
        });
        if (!damaged.isEmpty()) {
            StringBuilder message = new StringBuilder("The state folder " + folder.stateDir() + " has "
                    + (damaged.size() == 1 ? "a damaged worker environment" : damaged.size() + " damaged worker environments")
                    + ", and a migration copies whole worker environments only:\n");
            damaged.forEach((label, problem) -> message.append("  ").append(label).append(": ").append(problem).append('\n'));
            message.append("Repair ").append(damaged.size() == 1 ? "it" : "each").append(" on the single host first (restore the"
                    + " files from a backup, or deploy it again), or delete it there (jworkers delete NAME --env ENV), then"
                    + " migrate again.");
            throw new DeploymentException(message.toString());
        }
        return imports;
    }

    /**
     * One line on what is copied of a worker environment.
     *
     * @param imported the environment
     * @return e.g. {@code api (production): 3 versions, current 2}, or for a gradual deployment
     *     {@code api (production): 3 versions, current 2 (split 3@10 2@90)}
     */
    public static String describe(EnvironmentImport imported) {
        StringBuilder line = new StringBuilder(imported.label()).append(": ");
        int versions = imported.versions().size();
        if (versions == 0) {
            line.append("never deployed");
        } else {
            line.append(versions).append(versions == 1 ? " version" : " versions")
                    .append(imported.current() == null ? ", none current" : ", current " + imported.current());
            if (imported.deployed() != null && imported.deployed().isSplit()) {
                line.append(" (split ").append(imported.deployed().describe()).append(')');
            }
        }
        int pending = imported.pendingSecrets().size();
        if (pending > 0) {
            line.append(", ").append(pending).append(pending == 1 ? " secret" : " secrets").append(" set for the first deploy (")
                    .append(String.join(", ", imported.pendingSecrets().keySet())).append(')');
        }
        return line.toString();
    }

    // A bundle folder is named by its hash; its files must still give that hash, or the store would
    // keep a different bundle under that name (every host fetching it would then refuse it).
    private static void checkBundle(String worker, String environment, Deployment version, Map<String, String> hashes) {
        String expected = version.info().sha256();
        String actual;
        try {
            actual = hashes.computeIfAbsent(expected, sha -> BundleHash.of(version.bundleDir()));
        } catch (UncheckedIOException e) {
            throw new DamagedStateException("The bundle of version " + version.info().number() + " of \"" + worker + "\" in "
                    + environment + " cannot be read (" + e.getMessage() + "). Restore it from a backup, or deploy again.");
        }
        if (!actual.equals(expected)) {
            throw new DamagedStateException("The bundle of version " + version.info().number() + " of \"" + worker + "\" in "
                    + environment + " (" + version.bundleDir() + ") no longer matches its hash (its files hash to "
                    + actual.substring(0, 12) + "). Restore it from a backup, or deploy again.");
        }
    }
}
