package io.jworkers.runtime.worker;

import io.jworkers.runtime.pipeline.Pipeline;
import java.util.List;

/**
 * The loaded versions a worker slot sends calls to, and how: none, one, or two sharing the
 * traffic (a gradual deployment). Immutable; a slot replaces it in one volatile write.
 *
 * <p>Of two versions the newer takes the pipelines whose version bucket (see {@code
 * VersionKey}) is below its percentage, unless the pipeline's overrides pin one of the two.
 */
public final class VersionRouting {

    /** No version loaded: calls fail as "not running". */
    public static final VersionRouting NONE = new VersionRouting(null, null, 100);

    private final LoadedWorker newer;
    private final LoadedWorker older;
    private final int newerPercent;

    private VersionRouting(LoadedWorker newer, LoadedWorker older, int newerPercent) {
        this.newer = newer;
        this.older = older;
        this.newerPercent = newerPercent;
    }

    /**
     * One version taking every call.
     *
     * @param worker the version, or {@code null} for {@link #NONE}
     * @return the routing
     */
    public static VersionRouting single(LoadedWorker worker) {
        return worker == null ? NONE : new VersionRouting(worker, null, 100);
    }

    /**
     * Two versions of one worker sharing the calls.
     *
     * @param newer the newer version (the higher number)
     * @param newerPercent its share, 0..100
     * @param older the older version, which takes the rest
     * @return the routing
     * @throws IllegalArgumentException for a share outside 0..100, or {@code newer} not newer
     */
    public static VersionRouting split(LoadedWorker newer, int newerPercent, LoadedWorker older) {
        if (newerPercent < 0 || newerPercent > 100) {
            throw new IllegalArgumentException("a share is 0 to 100, not " + newerPercent);
        }
        if (newer.number() <= older.number()) {
            throw new IllegalArgumentException("version " + newer.number() + " is not newer than " + older.number());
        }
        return new VersionRouting(newer, older, newerPercent);
    }

    /**
     * Whether two versions share the calls.
     *
     * @return {@code true} for a split
     */
    public boolean isSplit() {
        return older != null;
    }

    /**
     * The version most calls reach (of two at 50 %, the newer); what "the current version" means.
     *
     * @return the version, or {@code null} when none is loaded
     */
    public LoadedWorker primary() {
        return older == null || newerPercent >= 50 ? newer : older;
    }

    /**
     * The version a call of a pipeline reaches.
     *
     * @param pipeline the pipeline making the call, or {@code null} outside any (then the primary)
     * @return the version, or {@code null} when none is loaded
     */
    public LoadedWorker choose(Pipeline pipeline) {
        if (older == null) {
            return newer;
        }
        if (pipeline == null) {
            return primary();
        }
        return choosesNewer(pipeline) ? newer : older;
    }

    /**
     * The version a top-level request reaches, before its pipeline exists (whose limits are the
     * chosen version's).
     *
     * @param bucket the bucket of the request's version key ({@code x-jworkers-version-key}, else its id)
     * @param pins the request's overrides, worker name to version
     * @return the version, or {@code null} when none is loaded
     */
    public LoadedWorker chooseTopLevel(int bucket, java.util.Map<String, Integer> pins) {
        if (older == null) {
            return newer;
        }
        Integer pinned = pins.get(newer.name());
        if (pinned != null && (pinned == newer.number() || pinned == older.number())) {
            return pinned == newer.number() ? newer : older;
        }
        return bucket < newerPercent ? newer : older;
    }

    /**
     * Whether a pipeline's calls reach the newer version of a split.
     *
     * @param pipeline the pipeline
     * @return {@code true} for the newer, {@code false} for the older
     */
    public boolean choosesNewer(Pipeline pipeline) {
        int pinned = pipeline.pinnedVersion(newer.name());
        if (pinned != 0) {
            if (pinned == newer.number()) {
                return true;
            }
            if (pinned == older.number()) {
                return false;
            }
        }
        return pipeline.versionBucket() < newerPercent;
    }

    /**
     * The newer (or only) version.
     *
     * @return the version, or {@code null} when none is loaded
     */
    public LoadedWorker newer() {
        return newer;
    }

    /**
     * The older version of a split.
     *
     * @return the version, or {@code null} when not split
     */
    public LoadedWorker older() {
        return older;
    }

    /**
     * The newer version's share.
     *
     * @return 0..100; 100 when not split
     */
    public int newerPercent() {
        return newerPercent;
    }

    /**
     * The loaded versions, newest first.
     *
     * @return none, one or two versions
     */
    public List<LoadedWorker> versions() {
        return newer == null ? List.of() : older == null ? List.of(newer) : List.of(newer, older);
    }

    /**
     * Whether a version is one of these.
     *
     * @param worker the version
     * @return {@code true} if this routing sends calls to it
     */
    public boolean contains(LoadedWorker worker) {
        return worker != null && (worker == newer || worker == older);
    }

    /**
     * The loaded version of a number.
     *
     * @param number the version number
     * @return the version, or {@code null} when it is not one of these
     */
    public LoadedWorker version(int number) {
        for (LoadedWorker worker : versions()) {
            if (worker.number() == number) {
                return worker;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return newer == null ? "none" : older == null ? newer.label() + "@100%"
                : newer.label() + "@" + newerPercent + "% " + older.label() + "@" + (100 - newerPercent) + "%";
    }
}
