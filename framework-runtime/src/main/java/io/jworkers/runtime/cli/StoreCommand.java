package io.jworkers.runtime.cli;

import io.jworkers.runtime.bundle.BundleLimits;
import io.jworkers.runtime.deploy.DeploymentException;
import io.jworkers.runtime.deploy.DurableFiles;
import io.jworkers.runtime.deploy.FolderInUseException;
import io.jworkers.runtime.deploy.FolderStore;
import io.jworkers.runtime.deploy.SecretCipher;
import io.jworkers.runtime.deploy.postgres.EnvironmentImport;
import io.jworkers.runtime.deploy.postgres.FolderMigration;
import io.jworkers.runtime.deploy.postgres.PostgresStore;
import io.jworkers.runtime.deploy.postgres.StoreUrl;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code jworkers store migrate}: copies a single host's state folder ({@code serve --state}) into
 * a PostgreSQL store ({@code serve --store}) that several hosts share, without starting a worker.
 * It copies every worker environment whole, or nothing: the folder must be free (no host serving
 * it), intact, and its worker environments new to the store; a refusal writes nothing.
 */
final class StoreCommand {

    private static final CommandLine.Option FROM = new CommandLine.Option("--from", null, "DIR",
            "the state folder of a single host (serve --state DIR); stop that host first");
    private static final CommandLine.Option TO = new CommandLine.Option("--to", null, "URL",
            "the PostgreSQL store, postgresql://USER@HOST:PORT/DB or a JDBC URL (serve --store URL)");
    private static final List<CommandLine.Option> OPTIONS = List.of(FROM, TO, StoreOptions.PASSWORD_FILE,
            StoreOptions.SECRET_KEY_FILE);
    private static final String NOTHING_WRITTEN = "Nothing was written.";

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;

    StoreCommand(PrintStream out, PrintStream err, Map<String, String> environment) {
        this.out = out;
        this.err = err;
        this.environment = environment;
    }

    static String usage() {
        return "Usage: jworkers store migrate --from DIR --to postgresql://USER@HOST:PORT/DB [--store-password-file FILE]\n"
                + "                              [--secret-key-file FILE]\n\n"
                + "Copies a single host's state folder into a PostgreSQL store: every worker environment with every\n"
                + "version, its current version, its secrets (sealed) and bundles. No worker is started; hosts\n"
                + "following the store serve the copies once it commits. Refused, writing nothing, while a host\n"
                + "serves the folder, when the folder is damaged, or when the store has one of its workers already.\n\n"
                + CommandLine.describe(OPTIONS);
    }

    int run(List<String> args) {
        if (args.isEmpty() || !args.get(0).equals("migrate")) {
            throw new UsageException(args.isEmpty() ? "jworkers store: which? jworkers store migrate --from DIR --to URL"
                    : "jworkers store: unknown subcommand \"" + args.get(0) + "\" (there is: migrate)");
        }
        CommandLine line = CommandLine.parse("store migrate", OPTIONS, args.subList(1, args.size()));
        if (!line.positional().isEmpty()) {
            throw new UsageException("jworkers store migrate: unexpected " + line.positional().get(0));
        }
        String from = line.last(FROM.longName()).orElseThrow(() ->
                new UsageException("jworkers store migrate: --from DIR is required (the state folder of a single host)"));
        String to = line.last(TO.longName()).orElseThrow(() ->
                new UsageException("jworkers store migrate: --to URL is required (the PostgreSQL store)"));
        try {
            return migrate(Path.of(from).toAbsolutePath().normalize(), to, line);
        } catch (Refused e) {
            err.println("jworkers store migrate: " + e.getMessage());
            return 1;
        }
    }

    private int migrate(Path from, String to, CommandLine line) {
        StoreUrl url = refusing(() -> StoreUrl.parse(to));
        if (!Files.isDirectory(from)) {
            throw new Refused("--from " + from + ": no such folder. " + NOTHING_WRITTEN);
        }
        if (!FolderStore.isStateFolder(from)) {
            throw new Refused("--from " + from + " is not a state folder of jworkers serve (it has no workers/ or secrets/"
                    + " folder). " + NOTHING_WRITTEN);
        }
        SecretCipher cipher = refusing(() -> PostgresStore.requireKey(StoreOptions.cipher(line, environment)));
        String password = StoreOptions.password("store migrate", line, environment);
        FolderStore folder;
        try {
            folder = FolderStore.open(from);
        } catch (FolderInUseException e) {
            throw new Refused("the state folder " + e.folder() + " is in use by a running jworkers serve"
                    + (e.holder().isEmpty() ? "" : " (process " + e.holder() + ")") + ". Stop that host first: a migration"
                    + " copies a folder that no host changes meanwhile. " + NOTHING_WRITTEN);
        } catch (DeploymentException e) {
            throw new Refused(e.getMessage() + " " + NOTHING_WRITTEN);
        }
        // The folder stays open, and so locked, until the copy is committed: no host can start on it meanwhile.
        try (folder) {
            List<EnvironmentImport> imports = refusing(() -> FolderMigration.read(folder));
            if (imports.isEmpty()) {
                throw new Refused("the state folder " + from + " has no worker environments to migrate. " + NOTHING_WRITTEN);
            }
            Path cache = temporaryCache();
            try (PostgresStore store = refusing(() -> PostgresStore.open(url, password, cipher, cache, BundleLimits.DEFAULT))) {
                refusing(() -> {
                    store.checkSecretKey();
                    return null;
                });
                List<EnvironmentImport> held = refusing(() -> store.alreadyHeld(imports));
                if (!held.isEmpty()) {
                    throw new Refused("the store " + url.display() + " has " + String.join(", ", held.stream()
                            .map(EnvironmentImport::label).toList()) + " already. A migration never replaces what a store"
                            + " holds: delete " + (held.size() == 1 ? "it" : "them") + " from the store first (jworkers delete"
                            + " NAME --env ENV through one of its hosts) if the folder's copy is the one to keep. " + NOTHING_WRITTEN);
                }
                long revision;
                try {
                    revision = store.importEnvironments(imports);
                } catch (DeploymentException e) {
                    throw new Refused(sentence(e.getMessage()) + " No worker environment was migrated; bundles copied so far"
                            + " stay in the store, and running the migration again reuses them.");
                }
                for (EnvironmentImport imported : imports) {
                    out.println(FolderMigration.describe(imported));
                }
                int versions = imports.stream().mapToInt(imported -> imported.versions().size()).sum();
                long bundles = imports.stream().flatMap(imported -> imported.versions().stream())
                        .map(version -> version.info().sha256()).distinct().count();
                out.println("Migrated " + imports.size() + (imports.size() == 1 ? " worker environment (" : " worker environments (")
                        + versions + (versions == 1 ? " version, " : " versions, ") + bundles + (bundles == 1 ? " bundle" : " bundles")
                        + ") from " + from + " to " + url.display() + ", store revision " + revision + ".");
                out.println("The folder is left as it was. Serve from the store now (jworkers serve --store URL) and retire"
                        + " the folder's host: what is deployed there from now on is not in the store.");
                return 0;
            } finally {
                DurableFiles.deleteQuietly(cache);
            }
        }
    }

    /** A refusal: printed after "jworkers store migrate: ", exit 1. */
    private static final class Refused extends RuntimeException {

        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    // Runs a step before anything is written: its failure is a refusal that says so.
    private static <T> T refusing(java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (DeploymentException e) {
            throw new Refused(sentence(e.getMessage()) + " " + NOTHING_WRITTEN);
        }
    }

    private static String sentence(String message) {
        return message.endsWith(".") ? message : message + ".";
    }

    // The store needs a folder for bundles it unpacks; a migration unpacks none, so a temporary one does.
    private static Path temporaryCache() {
        try {
            return Files.createTempDirectory("jworkers-migrate");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
