package io.jworkers.runtime.deploy;

import io.jworkers.runtime.bundle.WorkerBundle;
import io.jworkers.runtime.config.NameRules;
import io.jworkers.runtime.config.Secrets;
import io.jworkers.runtime.deploy.VersionRecords.Index;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a state folder holds, read as the {@link FolderStore}'s reads answer: its workers and
 * environments, their versions, which one is current, a version with its bundle and secrets. A
 * file that is damaged or missing is a {@link DamagedStateException} naming it and what to do.
 * Called under the store's lock, with names already checked.
 */
final class FolderReads {

    private static final System.Logger LOG = System.getLogger("jworkers.store");

    private final StateLayout layout;
    private final SecretSets secretSets;
    private final VersionRecords records;

    FolderReads(StateLayout layout, SecretSets secretSets, VersionRecords records) {
        this.layout = layout;
        this.secretSets = secretSets;
        this.records = records;
    }

    /** See {@link FolderStore#workers()}. */
    List<String> workers() {
        List<String> workers = new ArrayList<>();
        for (String worker : namesIn(layout.workers())) {
            if (NameRules.WORKER_NAME.matcher(worker).matches() && !environments(worker).isEmpty()) {
                workers.add(worker);
            }
        }
        return workers;
    }

    /** See {@link FolderStore#environments}. */
    List<String> environments(String worker) {
        List<String> environments = new ArrayList<>();
        for (String environment : namesIn(layout.workers().resolve(worker))) {
            if (NameRules.ENVIRONMENT_NAME.matcher(environment).matches()
                    && (Files.exists(layout.index(worker, environment)) || Files.isDirectory(layout.versions(worker, environment)))) {
                environments.add(environment);
            }
        }
        return environments;
    }

    /** See {@link FolderStore#versions}. */
    List<VersionInfo> versions(String worker, String environment) {
        int latest = records.indexQuietly(worker, environment).map(Index::latest)
                .orElseGet(() -> records.highestNumber(worker, environment));
        List<VersionInfo> versions = new ArrayList<>();
        for (int number = 1; number <= latest; number++) {
            try {
                records.version(worker, environment, number).ifPresent(versions::add);
            } catch (DamagedStateException e) {
                // problems() reports it; the listing shows what can be read.
            }
        }
        return versions;
    }

    /** See {@link FolderStore#current}. */
    Optional<Deployment> current(String worker, String environment) {
        Optional<Index> index = records.index(worker, environment);
        if (index.isEmpty()) {
            if (Files.exists(layout.environment(worker, environment).resolve(StateLayout.LEGACY_INDEX))) {
                throw new DamagedStateException("\"" + worker + "\" in " + environment + " was deployed by an earlier"
                        + " jworkers, whose state layout this one does not read (" + layout.environment(worker, environment)
                        + "). Deploy it again; then delete that folder's deployments.json and the numbered folders in"
                        + " versions/ (not the N.json files).");
            }
            int highest = records.highestNumber(worker, environment);
            if (highest > 0) {
                throw new DamagedStateException("The index " + layout.index(worker, environment) + " is missing, but"
                        + " versions up to " + highest + " are there (kept). Deploy again to make a new current version,"
                        + " or restore the index from a backup.");
            }
            return Optional.empty();
        }
        if (index.get().current() == null) {
            return Optional.empty();
        }
        return Optional.of(deployment(worker, environment, index.get().current(), true));
    }

    /** See {@link FolderStore#currentNumber}. */
    Optional<Integer> currentNumber(String worker, String environment) {
        Optional<Index> index = records.index(worker, environment);
        if (index.isEmpty() && records.highestNumber(worker, environment) > 0) {
            current(worker, environment); // throws, saying what is missing
        }
        return index.map(Index::current);
    }

    /** See {@link FolderStore#split}. */
    Optional<TrafficSplit> split(String worker, String environment) {
        Optional<Index> index = records.index(worker, environment);
        if (index.isEmpty() && records.highestNumber(worker, environment) > 0) {
            current(worker, environment); // throws, saying what is missing
        }
        return index.map(Index::deployed);
    }

    /** See {@link FolderStore#deployment}. */
    Optional<Deployment> deployment(String worker, String environment, int number) {
        int latest = records.index(worker, environment).map(Index::latest).orElse(0);
        if (number < 1 || number > latest || records.version(worker, environment, number).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(deployment(worker, environment, number, false));
    }

    /** See {@link FolderStore#everyVersion}. */
    List<Deployment> everyVersion(String worker, String environment) {
        currentNumber(worker, environment); // throws when the index is damaged, or missing while versions are there
        int latest = records.index(worker, environment).map(Index::latest).orElse(0);
        List<Deployment> all = new ArrayList<>();
        for (int number = 1; number <= latest; number++) {
            all.add(deployment(worker, environment, number, false));
        }
        return all;
    }

    /**
     * A version with its bundle and secrets, committed or about to be.
     *
     * @param current whether it is the current version, for the messages
     * @throws DamagedStateException if its record, bundle or secrets file is damaged or missing
     */
    Deployment deployment(String worker, String environment, int number, boolean current) {
        String which = (current ? "the current version " : "version ") + number + " of \"" + worker + "\" in " + environment;
        VersionInfo info = records.version(worker, environment, number).orElseThrow(() -> new DamagedStateException(
                "The record of " + which + " is missing (" + layout.version(worker, environment, number) + "). Deploy again,"
                        + " or roll back to another version: jworkers versions " + worker + flag(environment)));
        Path bundle = layout.bundle(info.sha256());
        String config;
        try {
            config = Files.readString(bundle.resolve(WorkerBundle.CONFIG), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new DamagedStateException("The bundle of " + which + " is missing (" + bundle + "). Deploy again, or"
                    + " roll back to another version: jworkers versions " + worker + flag(environment));
        } catch (IOException e) {
            throw new DamagedStateException("The bundle of " + which + " cannot be read (" + e + "). Deploy again.");
        }
        Path secretsFile = layout.versionSecrets(worker, environment, number);
        // Every version has a secrets file, even an empty one: a missing file is damage, not "no secrets".
        Map<String, String> secrets = secretSets.read(secretsFile).orElseThrow(() -> new DamagedStateException(
                "The secrets file of " + which + " is missing (" + secretsFile + "). Set the secrets again (jworkers"
                        + " secret put, or deploy with --secrets-file), or restore the file from a backup."));
        return new Deployment(info, bundle, config, Secrets.of(secrets));
    }

    /** The names in a folder; none, with a warning, when it cannot be listed. */
    static List<String> namesIn(Path dir) {
        try {
            return DurableFiles.list(dir);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot list " + dir + ": " + e);
            return List.of();
        }
    }

    private static String flag(String environment) {
        return environment.equals("production") ? "" : " --env " + environment;
    }
}
