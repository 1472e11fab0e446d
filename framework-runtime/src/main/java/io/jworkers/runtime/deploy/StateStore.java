package io.jworkers.runtime.deploy;

import io.jworkers.runtime.bundle.BundleLimits;
import io.jworkers.runtime.bundle.UnpackedBundle;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The deployment state of {@code jworkers serve}: every version of every worker in every
 * environment, which one is current, their secrets and bundles. Two implementations: a folder on
 * one machine ({@link FolderStore}, one host) and a PostgreSQL database shared by many hosts.
 *
 * <p>A change stores everything new first, lets the caller check the candidate (the host loads
 * it) and only then commits: a refused or failed change leaves the state as it was. Damaged
 * entries make their worker environment a {@link StateProblem}, never the whole store unreadable.
 * Implementations are thread-safe.
 */
public interface StateStore extends AutoCloseable {

    /**
     * A folder for scratch files of a change in progress (uploads), emptied when the store opens.
     *
     * @return the folder
     */
    Path scratch();

    /**
     * Workers with at least one environment in the store (committed or damaged), sorted.
     *
     * @return the names
     */
    List<String> workers();

    /**
     * The environments a worker has in the store (committed or damaged), sorted.
     *
     * @param worker the worker
     * @return the names
     */
    List<String> environments(String worker);

    /**
     * The committed versions of a worker in an environment that can be read, oldest first.
     *
     * @param worker the worker
     * @param environment the environment
     * @return the versions; empty if it was never deployed there
     */
    List<VersionInfo> versions(String worker, String environment);

    /**
     * The current version: the {@link TrafficSplit#primary() primary} version of what is
     * deployed, or empty if no version is deployed (never deployed, or only uploaded).
     *
     * @param worker the worker
     * @param environment the environment
     * @return the deployment, its bundle unpacked on this machine
     * @throws DamagedStateException if its state is damaged or missing
     */
    Optional<Deployment> current(String worker, String environment);

    /**
     * The number of the current ({@link TrafficSplit#primary() primary}) version, read without the
     * version itself (a rollback works while the current version's own state is damaged).
     *
     * @param worker the worker
     * @param environment the environment
     * @return the number, or empty if the worker has no current version there
     * @throws DamagedStateException if what says which version is current is damaged or missing
     */
    Optional<Integer> currentNumber(String worker, String environment);

    /**
     * A committed version, current or not.
     *
     * @param worker the worker
     * @param environment the environment
     * @param number the version number
     * @return the deployment, or empty if there is no such version
     * @throws DamagedStateException if its state is damaged
     */
    Optional<Deployment> deployment(String worker, String environment, int number);

    /**
     * The names of the secrets set for a worker environment before its first deploy.
     *
     * @param worker the worker
     * @param environment the environment
     * @return the names, sorted
     */
    Set<String> pendingSecretNames(String worker, String environment);

    /**
     * The worker environments whose state is damaged or missing, each with what to do.
     *
     * @return the problems, by worker and environment
     */
    List<StateProblem> problems();

    /**
     * Unpacks an uploaded bundle into the scratch folder, reading the zip once and checking it,
     * and hashes its content.
     *
     * @param zip the uploaded zip
     * @param limits the limits it is held to
     * @return the unpacked bundle; pass it to {@link #addVersion} or {@link #discard}
     * @throws io.jworkers.runtime.bundle.BundleException if the zip is refused; nothing is left behind then
     * @throws io.jworkers.runtime.bundle.NoSpaceLeftException if the disk fills up; nothing is left behind then
     */
    UnpackedBundle stage(Path zip, BundleLimits limits);

    /**
     * Removes a staged bundle that no version will use.
     *
     * @param staged the bundle
     */
    void discard(UnpackedBundle staged);

    /**
     * Adds a version and makes it current: it takes all traffic, ending any gradual deployment.
     * The new version's secrets are those of the current version (or those set before the first
     * deploy) with {@code draft}'s changes. {@code check}
     * sees the complete candidate before the commit and refuses it by throwing; then nothing
     * changes and the exception propagates.
     *
     * @param worker the worker
     * @param environment the environment
     * @param draft the bundle, message, secret changes and routes taken
     * @param check runs before the commit with the candidate deployment
     * @return the new version
     * @throws DeploymentException if it cannot be stored; nothing changed then
     */
    VersionInfo addVersion(String worker, String environment, NewVersion draft, Consumer<Deployment> check);

    /**
     * Makes a committed version current again (a rollback): it takes all traffic, ending any
     * gradual deployment, as {@link #deploy} with {@link TrafficSplit#single} does. {@code check}
     * sees it first and refuses it by throwing; then nothing changes.
     *
     * @param worker the worker
     * @param environment the environment
     * @param number the version
     * @param check runs before the commit
     * @return the version now current
     * @throws DeploymentException if there is no such version, or it cannot be stored
     */
    VersionInfo makeCurrent(String worker, String environment, int number, Consumer<Deployment> check);

    /**
     * Which versions take traffic (a gradual deployment, or one version at 100 %). The current
     * version ({@link #current}, {@link #currentNumber}) is its {@link TrafficSplit#primary()}.
     *
     * @param worker the worker
     * @param environment the environment
     * @return the split, or empty if no version is deployed there
     * @throws DamagedStateException if what says which versions are deployed is damaged or missing
     */
    Optional<TrafficSplit> split(String worker, String environment);

    /**
     * Adds a version without sending it traffic ({@code jworkers versions upload}): its number is
     * the one after the latest, what is deployed stays as it is. Its secrets are those of the
     * current version (or, while none is current, those set before the first deploy, which stay
     * set until a version is deployed) with {@code draft}'s changes; {@code check} sees the
     * candidate before the commit and refuses it by throwing, then nothing changes. A worker
     * environment whose versions were all uploaded has versions but no current one.
     *
     * @param worker the worker
     * @param environment the environment
     * @param draft the bundle, message and secret changes ({@code routesTaken} applies once deployed)
     * @param check runs before the commit with the candidate
     * @return the new version
     * @throws DeploymentException if it cannot be stored; nothing changed then
     */
    VersionInfo uploadVersion(String worker, String environment, NewVersion draft, Consumer<Deployment> check);

    /**
     * Sends traffic to committed versions as {@code split} says ({@code jworkers versions deploy};
     * a rollback is a split of one version). {@code check} sees every version of the split first,
     * newest first, and refuses by throwing; then nothing changes. The split's primary version
     * becomes the current one; the first deploy of a worker environment whose versions were
     * uploaded uses up the secrets set before it.
     *
     * @param worker the worker
     * @param environment the environment
     * @param split the versions and their shares; its message is kept with it
     * @param check runs before the commit with the split's versions
     * @return the split now deployed
     * @throws DeploymentException if the worker environment has no versions ({@code Worker "api" has
     *     no deployments in environment "staging"}), a version does not exist ({@code Worker "api" has
     *     no version 9 in production; it has [1, 2]}), or it cannot be stored
     */
    TrafficSplit deploy(String worker, String environment, TrafficSplit split, Consumer<List<Deployment>> check);

    /**
     * Deletes a worker environment: its versions, what is deployed and its secrets. Its bundles stay until {@link
     * #collectUnusedBundles()} runs, since a version being drained may still load classes from them.
     *
     * @param worker the worker
     * @param environment the environment
     * @throws DeploymentException if it cannot be deleted
     */
    void delete(String worker, String environment);

    /**
     * Sets a secret for a worker environment that has no version yet; its first deploy uses it.
     *
     * @param worker the worker
     * @param environment the environment
     * @param name the secret's name
     * @param value its value
     * @throws DeploymentException for a bad name, an empty or too large value
     */
    void putPendingSecret(String worker, String environment, String name, String value);

    /**
     * Deletes a secret set before the first deploy.
     *
     * @param worker the worker
     * @param environment the environment
     * @param name the secret's name
     * @return whether it was set
     */
    boolean deletePendingSecret(String worker, String environment, String name);

    /**
     * Deletes the bundles that no version names any more (after a delete, once what ran from
     * them has drained).
     */
    void collectUnusedBundles();

    /**
     * Whether other hosts change this store too, so a host must follow its changes.
     *
     * @return {@code false} for a store only this host changes (the default)
     */
    default boolean shared() {
        return false;
    }

    /**
     * The revision of the last committed change: every change of a shared store bumps it.
     *
     * @return the revision; 0 for a store only this host changes
     * @throws StoreUnreachableException if a shared store cannot be reached
     */
    default long revision() {
        return 0;
    }

    /**
     * Waits until another host may have committed a change, or the timeout passes.
     *
     * @param timeout the longest wait
     * @throws InterruptedException if interrupted
     * @throws StoreUnreachableException if a shared store cannot be reached
     */
    default void awaitChange(java.time.Duration timeout) throws InterruptedException {
        Thread.sleep(timeout);
    }

    /**
     * Records this host's heartbeat and the revision it applied.
     *
     * @param host this host
     * @throws StoreUnreachableException if a shared store cannot be reached
     */
    default void recordHost(HostRecord host) {
    }

    /**
     * The hosts that recorded themselves.
     *
     * @return the hosts, by address; empty for a store only this host changes
     */
    default List<HostRecord> hosts() {
        return List.of();
    }

    /**
     * Tells the store what this host serves at a revision, for a shared store to keep on this
     * machine: a host that starts while the store is unreachable serves it.
     *
     * @param revision the revision the host applied
     * @param served the versions it serves
     */
    default void remember(long revision, List<Served> served) {
    }

    /** Releases what the store holds open (connections, locks); the state stays. */
    @Override
    void close();
}
