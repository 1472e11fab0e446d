package io.jworkers.runtime.deploy.postgres;

import io.jworkers.runtime.deploy.Deployment;
import io.jworkers.runtime.deploy.DeploymentException;
import io.jworkers.runtime.deploy.VersionInfo;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Worker environments copied whole into a store ({@code jworkers store migrate}): all of them or
 * none, never over what the store holds, sealed with the store's key. See {@link
 * PostgresStore#importEnvironments} for what is copied and when it is refused.
 */
final class StoreImport {

    private final Database database;
    private final SealedSecrets secrets;
    private final BundleTransfers bundles;

    StoreImport(Database database, SealedSecrets secrets, BundleTransfers bundles) {
        this.database = database;
        this.secrets = secrets;
        this.bundles = bundles;
    }

    /** The environments among {@code imports} that the store holds already, in the order given. */
    List<EnvironmentImport> alreadyHeld(List<EnvironmentImport> imports) {
        return database.run("checking which worker environments the store has", connection -> held(connection, imports));
    }

    /** Copies the environments in; see {@link PostgresStore#importEnvironments}. */
    long importAll(List<EnvironmentImport> imports) {
        List<EnvironmentImport> sorted = new ArrayList<>(imports);
        sorted.sort(java.util.Comparator.comparing(EnvironmentImport::worker).thenComparing(EnvironmentImport::environment));
        Set<String> seen = new HashSet<>();
        Map<String, Path> folders = new TreeMap<>();
        for (EnvironmentImport environment : sorted) {
            check(environment);
            if (!seen.add(environment.worker() + "/" + environment.environment())) {
                throw new DeploymentException(environment.label() + " is imported twice");
            }
            environment.versions().forEach(version -> folders.putIfAbsent(version.info().sha256(), version.bundleDir()));
        }
        refuseHeld(database.run("checking which worker environments the store has", connection -> {
            secrets.checkKey(connection);
            return held(connection, sorted);
        }));
        folders.forEach(bundles::storeImported);
        return database.run("importing " + sorted.size() + " worker environments", connection -> {
            for (EnvironmentImport environment : sorted) {
                Revisions.lock(connection, environment.worker(), environment.environment());
            }
            // Again under the locks: a host may have deployed one of them since the first check.
            refuseHeld(held(connection, sorted));
            long revision = Revisions.current(connection);
            for (EnvironmentImport environment : sorted) {
                revision = importEnvironment(connection, environment);
            }
            return revision;
        });
    }

    private long importEnvironment(Connection connection, EnvironmentImport imported) throws SQLException {
        String worker = imported.worker();
        String environment = imported.environment();
        long revision = Revisions.bump(connection, worker, environment, "migrate", imported.current());
        if (!imported.versions().isEmpty()) {
            EnvironmentRows.insertCopy(connection, worker, environment, imported.deployed(),
                    imported.versions().getLast().info().number(), revision);
            for (Deployment version : imported.versions()) {
                VersionInfo info = version.info();
                Map<String, String> set = new TreeMap<>();
                for (String name : version.secrets().names()) {
                    set.put(name, version.secrets().get(name).orElseThrow());
                }
                VersionRows.insert(connection, worker, environment, info, secrets.seal(set, worker, environment, info.number()));
            }
        }
        if (!imported.pendingSecrets().isEmpty()) {
            secrets.writePending(connection, worker, environment, imported.pendingSecrets());
        }
        return revision;
    }

    private static void check(EnvironmentImport imported) {
        io.jworkers.runtime.deploy.StoreNames.check(imported.worker(), imported.environment());
        if (imported.versions().isEmpty() && imported.pendingSecrets().isEmpty()) {
            throw new DeploymentException(imported.label() + " has neither versions nor secrets to import");
        }
        int previous = 0;
        Set<Integer> numbers = new HashSet<>();
        for (Deployment version : imported.versions()) {
            int number = version.info().number();
            if (number <= previous) {
                throw new DeploymentException("The versions of " + imported.label() + " are not in ascending order ("
                        + number + " after " + previous + ")");
            }
            previous = number;
            numbers.add(number);
        }
        if (imported.deployed() != null) {
            for (int number : imported.deployed().versions()) {
                if (!numbers.contains(number)) {
                    throw new DeploymentException((number == imported.current() ? "The current version " : "Version ") + number
                            + (imported.deployed().isSplit() ? " of the split " + imported.deployed().describe() : "") + " of "
                            + imported.label() + " is not among its versions");
                }
            }
        }
    }

    // Those with a row of versions, or secrets set for a first deploy (a row whose set is empty,
    // after the last one was deleted, holds nothing).
    private List<EnvironmentImport> held(Connection connection, List<EnvironmentImport> imports) throws SQLException {
        List<EnvironmentImport> held = new ArrayList<>();
        for (EnvironmentImport environment : imports) {
            if (EnvironmentRows.find(connection, environment.worker(), environment.environment(), false).isPresent()
                    || !secrets.pending(connection, environment.worker(), environment.environment()).isEmpty()) {
                held.add(environment);
            }
        }
        return held;
    }

    private static void refuseHeld(List<EnvironmentImport> held) {
        if (!held.isEmpty()) {
            throw new DeploymentException("The store has " + String.join(", ", held.stream().map(EnvironmentImport::label)
                    .toList()) + " already; an import never replaces what a store holds");
        }
    }
}
